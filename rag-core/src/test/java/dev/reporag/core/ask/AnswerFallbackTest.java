package dev.reporag.core.ask;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.memory.ScriptedAnswerModel;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.AnswerCutException;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** When the chat model fails or times out, a question still gets its passages and citations, and says why. */
class AnswerFallbackTest {
    private static final String SOURCE = "https://github.com/acme/shop.git";
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder(256, 4000);
    private RepoRag rag;

    @AfterEach
    void close() {
        rag.close();
    }

    private Project ready(AnswerModel model) {
        rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(new InMemoryVectorStore(256))
                .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository())
                .answerModel(model).build();
        source.commit(SOURCE, Map.of("src/cart/Cart.java", "package cart;\n\nclass Cart {\n    Money total() {\n"
                + "        return items.stream().map(Item::price).reduce(Money.ZERO, Money::plus);\n    }\n}\n"));
        Project project = rag.register("shop", SOURCE, null);
        var job = rag.requestIngestion(project.id());
        assertThat(rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow().status())
                .isEqualTo(JobStatus.READY);
        return project;
    }

    /** A chat model that fails as {@code failure} says, after streaming {@code written} when streaming. */
    private static AnswerModel failing(RuntimeException failure, String written) {
        return new AnswerModel() {
            @Override
            public String modelId() {
                return "failing";
            }

            @Override
            public String answer(AnswerPrompt prompt) {
                throw failure;
            }

            @Override
            public String stream(AnswerPrompt prompt, Consumer<String> onToken) {
                if (!written.isEmpty()) {
                    onToken.accept(written);
                }
                throw failure;
            }
        };
    }

    @Test
    void aFailingChatModelGivesThePassagesWithTheirCitationsAndTheReason() {
        Project project = ready(failing(new RagException("Groq did not answer within 5 s"), ""));

        Answer answer = rag.ask(project.id(), "how is the cart total computed?", null);

        assertThat(answer.extractive()).isTrue();
        assertThat(answer.text()).startsWith("The chat model could not answer (Groq did not answer within 5 s)")
                .contains("[1] src/cart/Cart.java:1-7").contains("Money total()");
        assertThat(answer.citations()).isNotEmpty();
    }

    /** A reasoning model whose thinking filled the whole answer, or a server sending no text. */
    @Test
    void anEmptyAnswerGivesThePassagesSayingSo() {
        Project project = ready(ScriptedAnswerModel.answering(""));
        StringBuilder streamed = new StringBuilder();

        Answer plain = rag.ask(project.id(), "how is the cart total computed?", null);
        Answer answer = rag.askStreaming(project.id(), "cart total?", null, streamed::append);

        assertThat(plain.extractive()).isTrue();
        assertThat(plain.text()).startsWith("The chat model could not answer (it gave an empty answer)")
                .contains("Cart.java");
        assertThat(answer.extractive()).isTrue();
        assertThat(streamed.toString()).isEqualTo(answer.text()).contains("it gave an empty answer");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstTokenStreamsThePassagesInstead() {
        Project project = ready(failing(new RagException("the OpenAI API key was rejected (401)"), ""));
        StringBuilder streamed = new StringBuilder();

        Answer answer = rag.askStreaming(project.id(), "cart total?", null, streamed::append);

        assertThat(answer.extractive()).isTrue();
        assertThat(streamed.toString()).isEqualTo(answer.text()).contains("rejected (401)").contains("Cart.java");
    }

    @Test
    void aStreamCutPartWayKeepsWhatWasWrittenAndSaysItWasCut() {
        Project project = ready(failing(new AnswerCutException("The total sums item", "the chat model did not"
                + " finish within 5 s"), "The total sums item"));
        StringBuilder streamed = new StringBuilder();

        Answer answer = rag.askStreaming(project.id(), "cart total?", null, streamed::append);

        assertThat(answer.extractive()).isFalse();
        assertThat(answer.text()).isEqualTo("The total sums item\n\n[The answer was cut off: the chat model did not"
                + " finish within 5 s.]");
        assertThat(streamed.toString()).isEqualTo(answer.text());
        assertThat(answer.citations()).isNotEmpty();
    }
}

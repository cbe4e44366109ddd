package dev.reporag.openai;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The core's whole pipeline with this module's embedder and answer model against the fake server. */
class OpenAiPipelineTest {
    private static final String SOURCE = "https://github.com/acme/shop.git";

    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        server.close();
    }

    private record Run(RepoRag rag, InMemoryVectorStore store, Project project) {
    }

    private Run ingest(Duration timeout) {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        Map<String, String> files = new TreeMap<>();
        int n = 0;
        for (String name : List.of("Cart", "Checkout", "Payment", "Inventory", "Shipping", "Pricing")) {
            files.put("src/shop/" + name + ".java", "package shop;\n\nclass " + name + " {\n"
                    + String.join("", OpenAiEmbedderTest.chunks(1, 2_500 + 300 * n++)) + "}\n");
        }
        source.commit(SOURCE, files);
        OpenAiEmbedder embedder = new OpenAiEmbedder(OpenAiEmbeddingSettings.of(FakeOpenAiServer.KEY)
                .withBaseUrl(server.baseUrl()).withTimeout(timeout));
        InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
        RagSettings settings = RagSettings.builder().batch(new BatchPolicy(3, 100_000, Duration.ZERO, 4))
                .retry(new RetryPolicy(12, Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(5)))
                .rateLimits(RateLimits.OPENAI_TIER_1).build();
        RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store)
                .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository())
                .answerModel(new OpenAiAnswerModel(OpenAiChatSettings.openAi(FakeOpenAiServer.KEY)
                        .withBaseUrl(server.baseUrl())))
                .settings(settings)
                .build();
        opened.add(rag);
        Project project = rag.register("shop", SOURCE, null);
        rag.requestIngestion(project.id());
        assertThat(rag.processNext("worker-1").orElseThrow().status()).isEqualTo(JobStatus.READY);
        return new Run(rag, store, project);
    }

    /** Every chunk by its place in the repository (ids include the project) with its score. */
    private static List<String> ranking(Run run) {
        return run.store().vectorSearch(run.project().id(), FakeOpenAiServer.vectorOf("checkout total", 1536), 100)
                .stream().map(s -> s.chunk().path() + ":" + s.chunk().startLine() + "-" + s.chunk().endLine() + "@"
                        + s.score()).toList();
    }

    @Test
    void withFaultsInjectedTheStoredVectorsEqualAFaultFreeRun() {
        List<String> clean = ranking(ingest(Duration.ofSeconds(5)));
        int cleanRequests = server.log().size();

        server.hangMillis = 1_500;
        server.forcedRetryAfterMillis = 100;
        server.randomFaults(0.4, Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.HANG, Fault.RESET, Fault.MALFORMED,
                Fault.RATE_LIMIT);
        List<String> faulty = ranking(ingest(Duration.ofMillis(500)));

        assertThat(clean).hasSizeGreaterThan(5);
        assertThat(faulty).isEqualTo(clean);
        assertThat(server.log().size() - cleanRequests).isGreaterThan(cleanRequests);
    }

    @Test
    void answersWithCitationsPlainAndStreamed() {
        Run run = ingest(Duration.ofSeconds(5));

        Answer answer = run.rag().ask(run.project().id(), "Where is the checkout total computed?", null);
        List<String> tokens = new ArrayList<>();
        Answer streamed = run.rag().askStreaming(run.project().id(), "And the cart?", null, tokens::add);

        assertThat(answer.extractive()).isFalse();
        assertThat(answer.text()).contains("Parser.java");
        assertThat(answer.citations()).isNotEmpty();
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(String.join("", tokens)).isEqualTo(streamed.text());
        assertThat(server.chatRequests()).hasSize(2);
    }
}

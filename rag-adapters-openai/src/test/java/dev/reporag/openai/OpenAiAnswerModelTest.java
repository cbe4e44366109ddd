package dev.reporag.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.AnswerCutException;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The answer model against the fake server's chat completions, plain and streamed. */
class OpenAiAnswerModelTest {
    private static final AnswerPrompt PROMPT = new AnswerPrompt("Answer from the sources.",
            List.of(new Turn("What is this?", "A parser.")), "Where is the parser? [1] Parser.java:1-20");

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiAnswerModel model() {
        return model(Duration.ofSeconds(5));
    }

    private OpenAiAnswerModel model(Duration timeout) {
        return new OpenAiAnswerModel(OpenAiChatSettings.openAi(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl())
                .withTimeout(timeout));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void buildsItsClientsOnlyOnceAQuestionComes() {
        OpenAiAnswerModel idle = model();
        assertThat(idle.modelId()).isNotBlank();
        assertThat(idle.clientsStarted()).as("made for a command that asks nothing").isFalse();
        OpenAiAnswerModel prepared = model();
        prepared.prepare();
        assertThat(prepared.clientsStarted()).isTrue();
        assertThat(idle.answer(PROMPT)).as("a first answer builds them").isNotBlank();
        assertThat(idle.clientsStarted()).isTrue();
    }

    @Test
    void aHangingEndpointIsCutAtTheTimeoutAndNotTriedAgain() {
        server.hangMillis = 20_000;
        server.failNext(Fault.HANG, Fault.HANG);
        OpenAiAnswerModel model = model(Duration.ofSeconds(1));

        long start = System.nanoTime();
        assertThatThrownBy(() -> model.answer(PROMPT)).isInstanceOf(RagException.class)
                .hasMessageContaining("did not answer within 1 s");
        assertThat(millisSince(start)).isBetween(950L, 1_900L);
        start = System.nanoTime();
        assertThatThrownBy(() -> model.stream(PROMPT, t -> { })).isInstanceOf(RagException.class)
                .isNotInstanceOf(AnswerCutException.class).hasMessageContaining("did not answer within 1 s");
        assertThat(millisSince(start)).isBetween(950L, 1_900L + OpenAiAnswerModel.STREAM_MARGIN.toMillis());
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void aStreamOfKeepAlivesOnlyEndsAtTheTimeout() {
        server.failNext(Fault.KEEP_ALIVE);
        List<String> tokens = new ArrayList<>();

        long start = System.nanoTime();
        assertThatThrownBy(() -> model(Duration.ofSeconds(1)).stream(PROMPT, tokens::add))
                .isInstanceOf(RagException.class).hasMessageContaining("did not answer within 1 s");
        assertThat(millisSince(start)).isBetween(950L, 2_500L);
        assertThat(tokens).isEmpty();
        assertThat(server.chatRequests()).hasSize(1);
    }

    @Test
    void aStreamThatNeverEndsIsCutAtTheTimeoutKeepingWhatWasWritten() throws Exception {
        server.failNext(Fault.ENDLESS_TOKENS);
        List<String> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();

        long start = System.nanoTime();
        assertThatThrownBy(() -> model(Duration.ofSeconds(1)).stream(PROMPT, tokens::add))
                .isInstanceOfSatisfying(AnswerCutException.class, e -> {
                    assertThat(e.written()).startsWith("word0 word1 ").isEqualTo(String.join("", tokens));
                    assertThat(e.getMessage()).contains("did not finish the answer within 1 s");
                });
        assertThat(millisSince(start)).isBetween(950L, 2_500L);
        int written = tokens.size();
        Thread.sleep(200);
        assertThat(tokens).hasSize(written);
        assertThat(server.chatRequests()).hasSize(1);
    }

    @Test
    void aQuickFailureIsTriedOnceMoreAtMost() {
        server.failNext(Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.SERVER_ERROR);

        assertThatThrownBy(() -> model().answer(PROMPT)).isInstanceOf(RagException.class)
                .hasMessageContaining("answered 503");
        assertThat(server.chatRequests()).hasSize(OpenAiAnswerModel.ATTEMPTS);
    }

    @Test
    void aLongRateLimitWaitIsNotWaitedAndLaterQuestionsFailAtOnceUntilItPasses() {
        server.forcedRetryAfterMillis = 30_000;
        server.failNext(Fault.RATE_LIMIT);
        OpenAiAnswerModel model = model();

        assertThatThrownBy(() -> model.answer(PROMPT)).hasMessageContaining("rate limit reached (429)");
        long start = System.nanoTime();
        assertThatThrownBy(() -> model.answer(PROMPT)).hasMessageMatching(".* rate limit reached; try again in"
                + " (29|30|31) s");
        // At once: nothing sent, no wait (the bound leaves room for a busy machine, far from the 30 s asked).
        assertThat(millisSince(start)).isLessThan(2_000);
        assertThat(server.chatRequests()).hasSize(1);
    }

    @Test
    void followsTheBudgetInTheHeadersOfASuccess() {
        // Groq's headers after its last request of the day: none left for 7 s.
        server.chatHeaders = java.util.Map.of("x-ratelimit-limit-requests", "14400", "x-ratelimit-remaining-requests",
                "0", "x-ratelimit-reset-requests", "7s");
        OpenAiAnswerModel model = model();
        assertThat(model.answer(PROMPT)).isNotBlank();

        assertThatThrownBy(() -> model.answer(PROMPT)).hasMessageMatching(".* rate limit reached; try again in [78] s");
        assertThat(server.chatRequests()).hasSize(1);
    }

    @Test
    void aShortRateLimitWaitIsWaitedOnce() {
        server.forcedRetryAfterMillis = 300;
        server.failNext(Fault.RATE_LIMIT);

        long start = System.nanoTime();
        assertThat(model().answer(PROMPT)).isNotBlank();
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void answersWithTheSystemPromptHistoryAndQuestionInOrder() {
        String answer = model().answer(PROMPT);

        assertThat(answer).isEqualTo("The parser lives in Parser.java [1].");
        JsonNode request = server.chatRequests().get(0);
        assertThat(request.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode messages = request.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("What is this?");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).path("content").asText()).contains("Where is the parser?");
    }

    @Test
    void streamsTokensAsTheyComeAndReturnsTheWholeAnswer() {
        server.chatReply = q -> "one two three four five";
        List<String> tokens = new ArrayList<>();

        String answer = model().stream(PROMPT, tokens::add);

        assertThat(answer).isEqualTo("one two three four five");
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(String.join("", tokens)).isEqualTo(answer);
        assertThat(server.chatRequests().get(0).path("stream").asBoolean()).isTrue();
    }

    /** Streams as other OpenAI-compatible servers write them give the same answer, token by token. */
    @ParameterizedTest
    @EnumSource(FakeOpenAiServer.StreamStyle.class)
    void streamsWrittenAsOtherServersWriteThemGiveTheSameAnswer(FakeOpenAiServer.StreamStyle style) {
        server.streamStyle = style;
        server.chatReply = q -> "one two three four five";
        List<String> tokens = new ArrayList<>();

        String answer = model().stream(PROMPT, tokens::add);

        assertThat(answer).isEqualTo("one two three four five");
        assertThat(String.join("", tokens)).isEqualTo(answer);
        assertThat(tokens).hasSizeGreaterThan(1);
    }

    /** Ollama, llama.cpp and LM Studio put a reasoning model's thinking in the content, between tags. */
    @Test
    void aThinkingBlockOpeningTheAnswerIsNotShownNorReturned() {
        server.streamStyle = FakeOpenAiServer.StreamStyle.THINK_TAGS;
        server.chatReply = q -> "The parser lives in Parser.java [1].";

        assertThat(model().answer(PROMPT)).isEqualTo("The parser lives in Parser.java [1].");
    }

    /** Mistral's API answers 422 to the stream_options LangChain4j sends with every stream. */
    @Test
    void aServerRefusingStreamOptionsStreamsWithoutThem() {
        server.refuseStreamOptions = true;
        server.chatReply = q -> "one two three";
        OpenAiAnswerModel model = model();
        List<String> tokens = new ArrayList<>();

        assertThat(model.stream(PROMPT, tokens::add)).isEqualTo("one two three");
        assertThat(String.join("", tokens)).isEqualTo("one two three");
        assertThat(server.chatRequests()).extracting(r -> r.has("stream_options")).containsExactly(true, false);
        assertThat(model.stream(PROMPT, t -> { })).isEqualTo("one two three");
        assertThat(server.chatRequests()).hasSize(3).last().satisfies(r -> assertThat(r.has("stream_options")).isFalse());
    }

    @Test
    void aStreamRefusedForAnotherReasonReportsTheFirstAnswer() {
        server.refuseChat = true;
        OpenAiAnswerModel model = model();

        assertThatThrownBy(() -> model.stream(PROMPT, t -> { })).isInstanceOf(RagException.class)
                .hasMessageContaining("(422)").hasMessageContaining("this model cannot chat");
        assertThat(server.chatRequests()).extracting(r -> r.has("stream_options")).containsExactly(true, false);
        assertThatThrownBy(() -> model.stream(PROMPT, t -> { })).isInstanceOf(RagException.class);
        assertThat(server.chatRequests()).as("still asked with them: leaving them out did not help").hasSize(4)
                .element(2).satisfies(r -> assertThat(r.has("stream_options")).isTrue());
    }

    @Test
    void retriesAServerErrorBeforeAnswering() {
        server.failNext(Fault.SERVER_ERROR);

        assertThat(model().answer(PROMPT)).isNotBlank();
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void retriesAStreamThatFailedBeforeItsFirstToken() {
        server.failNext(Fault.OVERLOADED);
        List<String> tokens = new ArrayList<>();

        String answer = model().stream(PROMPT, tokens::add);

        assertThat(String.join("", tokens)).isEqualTo(answer).isNotBlank();
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void aRejectedKeyFailsAtOnceWithoutTheKey() {
        String key = "gsk_WRONGwrongWRONG0987654321";
        OpenAiAnswerModel model = new OpenAiAnswerModel(OpenAiChatSettings.groq(key).withBaseUrl(server.baseUrl()));

        assertThatThrownBy(() -> model.answer(PROMPT)).isInstanceOf(RagException.class)
                .hasMessageContaining("API key was rejected (401)").hasMessageNotContaining("4321");
        assertThatThrownBy(() -> model.stream(PROMPT, t -> { })).isInstanceOf(RagException.class)
                .hasMessageContaining("(401)").hasMessageNotContaining("4321");
        assertThat(server.authorizations()).hasSize(2);
    }

    @Test
    void aGroqKeySelectsGroqWithItsDefaultModel() {
        OpenAiChatSettings settings = OpenAiChatSettings.select("sk-openai", null, "gsk_groq", null, null)
                .orElseThrow();

        assertThat(settings.isGroq()).isTrue();
        assertThat(settings.baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
        assertThat(settings.model()).isEqualTo(OpenAiChatSettings.DEFAULT_GROQ_MODEL);
        assertThat(settings.apiKey()).isEqualTo("gsk_groq");
        assertThat(settings.toString()).doesNotContain("gsk_groq");
    }

    @Test
    void withoutAGroqKeyOpenAiOrItsConfiguredBaseUrlIsUsed() {
        assertThat(OpenAiChatSettings.select("sk-a", null, " ", null, null).orElseThrow())
                .satisfies(s -> {
                    assertThat(s.baseUrl()).isEqualTo("https://api.openai.com/v1");
                    assertThat(s.model()).isEqualTo("gpt-4o-mini");
                    assertThat(s.isGroq()).isFalse();
                });
        assertThat(OpenAiChatSettings.select("sk-a", "http://localhost:11434/v1/", null, null, "llama3").orElseThrow())
                .satisfies(s -> {
                    assertThat(s.baseUrl()).isEqualTo("http://localhost:11434/v1");
                    assertThat(s.model()).isEqualTo("llama3");
                });
        assertThat(OpenAiChatSettings.select(null, null, null, null, "x")).isEmpty();
    }

    @Test
    void aGroqModelIsSentWithTheGroqKey() {
        // Groq's settings pointed at the fake, as a proxy would.
        OpenAiChatSettings groq = OpenAiChatSettings.select(null, null, FakeOpenAiServer.KEY, server.baseUrl(), null)
                .orElseThrow();

        new OpenAiAnswerModel(groq).answer(PROMPT);

        assertThat(server.chatRequests().get(0).path("model").asText()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(server.authorizations()).containsExactly("Bearer " + FakeOpenAiServer.KEY);
    }
}

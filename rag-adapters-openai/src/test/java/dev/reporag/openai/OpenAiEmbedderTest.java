package dev.reporag.openai;

import dev.reporag.core.contract.EmbedderContract;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.memory.InMemoryRateBudget;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.EmbeddingResult;
import dev.reporag.core.port.ServerReport;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import dev.reporag.openai.FakeOpenAiServer.Logged;
import dev.reporag.openai.FakeOpenAiServer.Metering;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedder against a fake OpenAI server on a local port: one request per call, failures
 * classified for the core's dispatcher, and what the server said reported; then the two together.
 */
class OpenAiEmbedderTest {
    /** Budgets of the rate-limit tests: 20 requests and 8,000 tokens a second. */
    private static final int RPM = 1_200;
    private static final int TPM = 480_000;
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(12, Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(10));

    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final List<EmbeddingDispatcher> dispatchers = new ArrayList<>();

    @AfterEach
    void stop() {
        dispatchers.forEach(EmbeddingDispatcher::close);
        server.close();
    }

    private OpenAiEmbeddingSettings settings() {
        return OpenAiEmbeddingSettings.of(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl())
                .withTimeout(Duration.ofSeconds(5));
    }

    private OpenAiEmbedder embedder() {
        return new OpenAiEmbedder(settings());
    }

    private EmbeddingDispatcher dispatcher(Embedder embedder, BatchPolicy policy, RateLimits limits) {
        EmbeddingDispatcher dispatcher = new EmbeddingDispatcher(embedder, policy, FAST_RETRY, limits,
                new InMemoryRateBudget());
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    /** Code-like texts of about {@code chars} characters, all different. */
    static List<String> chunks(int count, int chars) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int line = 0;
            while (text.length() < chars) {
                text.append("    int value").append(i).append('_').append(line).append(" = compute(")
                        .append(line * 31 + i).append(", \"item-").append(i % 97).append("\");\n");
                line++;
            }
            texts.add(text.substring(0, chars));
        }
        return texts;
    }

    private static void assertFromServer(List<String> texts, List<float[]> vectors, int dimension) {
        assertThat(vectors).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).as("vector %d", i).containsExactly(FakeOpenAiServer.vectorOf(texts.get(i),
                    dimension));
        }
    }

    private long status(int status) {
        return server.log().stream().filter(r -> r.status() == status).count();
    }

    @Nested
    class Contract extends EmbedderContract {
        private final OpenAiEmbedder embedder = OpenAiEmbedderTest.this.embedder();

        @Override
        protected Embedder embedder() {
            return embedder;
        }
    }

    @Test
    void oneCallIsOneRequestReportingTheRateLimitHeadersAndUsage() {
        server.limits(RPM, TPM);
        List<String> texts = chunks(3, 400);

        EmbeddingResult result = embedder().embed(texts);

        assertFromServer(texts, result.vectors(), 1536);
        Logged request = server.log().get(0);
        assertThat(server.log()).hasSize(1);
        ServerReport report = result.report();
        assertThat(report.limitTokens()).isEqualTo(TPM);
        assertThat(report.limitRequests()).isEqualTo(RPM);
        assertThat(report.remainingTokens()).isEqualTo(TPM - request.metered());
        assertThat(report.resetTokens()).isPositive();
        assertThat(report.usageTokens()).isEqualTo(request.tokens());
    }

    /** OpenAI-compatible servers may list a response's vectors in another order: each has its index. */
    @Test
    void vectorsListedOutOfOrderGoToTheirInputsByIndex() {
        server.reverseData = true;
        List<String> texts = chunks(5, 200);

        assertFromServer(texts, embedder().embed(texts).vectors(), 1536);
    }

    @Test
    void aServerAnsweringNumbersWhereBase64WasAskedIsReadToo() {
        server.floatsOnly = true;
        List<String> texts = chunks(3, 200);

        assertFromServer(texts, embedder().embed(texts).vectors(), 1536);
    }

    /** A gateway answering 400 to base64 vectors (as users of LiteLLM and Azure API Management report). */
    @Test
    void aServerRefusingBase64IsAskedForNumbersFromThenOn() {
        server.refuseBase64 = true;
        OpenAiEmbedder embedder = embedder();
        List<String> texts = chunks(3, 200);

        assertFromServer(texts, embedder.embed(texts).vectors(), 1536);
        assertThat(server.log()).extracting(Logged::status).containsExactly(400, 200);
        assertFromServer(texts, embedder.embed(texts).vectors(), 1536);
        assertThat(server.log()).extracting(Logged::status).containsExactly(400, 200, 200);
    }

    @Test
    void aRequestRefusedWhateverItsEncodingFailsWithTheFirstAnswer() {
        server.refuseAll = true;
        OpenAiEmbedder embedder = embedder();

        assertThatThrownBy(() -> embedder.embed(chunks(2, 100))).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("(400)").hasMessageContaining("'$.input' is invalid")
                .extracting(e -> ((EmbeddingException) e).kind()).isEqualTo(EmbeddingException.Kind.PERMANENT);
        assertThat(server.log()).extracting(Logged::status).containsExactly(400, 400);
        assertThatThrownBy(() -> embedder.embed(chunks(2, 100))).isInstanceOf(EmbeddingException.class);
        assertThat(server.log()).as("still base64 first: numbers did not help").hasSize(4);
    }

    @Test
    void countsTokensAsOpenAisRateLimiterDoesAndNamesItsBudgetByAHashOfTheKey() {
        OpenAiEmbedder embedder = embedder();

        assertThat(embedder.countTokens("x".repeat(1_001))).isEqualTo(251);
        assertThat(embedder.countTokens("")).isEqualTo(2); // sent as "<empty>"
        assertThat(embedder.rateLimitKey()).get().asString().startsWith("openai:").hasSize(39)
                .doesNotContain(FakeOpenAiServer.KEY).doesNotContain("SECRET");
        assertThat(embedder.rateLimitKey()).isEqualTo(embedder().rateLimitKey());
        assertThat(new OpenAiEmbedder(settings().withModel("text-embedding-3-large")).rateLimitKey())
                .isNotEqualTo(embedder.rateLimitKey());
        assertThat(embedder.maxInputsPerRequest()).isEqualTo(2_048);
    }

    @Test
    void buildsItsClientsOnlyOnceWorkIsComingAndWarmsUpWithoutSendingAnything() throws InterruptedException {
        OpenAiEmbedder idle = embedder();
        assertThat(idle.rateLimitKey()).isPresent();
        assertThat(idle.dimension()).isPositive();
        assertThat(idle.clientsStarted()).as("made, asked what it is, nothing built (a status command)").isFalse();

        OpenAiEmbedder prepared = embedder();
        prepared.prepare();
        assertThat(prepared.clientsStarted()).as("a job is starting").isTrue();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(OpenAiEmbedder.WARM_UP_THREAD)) {
                thread.join(10_000);
                assertThat(thread.isAlive()).as("the warm-up ends").isFalse();
            }
        }
        assertThat(OpenAiEmbedder.warmUp()).as("every step of the warm-up runs on this LangChain4j").isTrue();
        assertThat(server.log()).isEmpty();

        // Without prepare, the first request builds them: a caller that never prepares still works.
        assertThat(idle.embedAll(List.of("a text")).get(0)).hasSize(idle.dimension());
        assertThat(idle.clientsStarted()).isTrue();
    }

    @Test
    void knowsTheDefaultModelsDimensionWithoutACall() {
        OpenAiEmbedder embedder = embedder();

        assertThat(embedder.modelId()).isEqualTo("openai:text-embedding-3-small");
        assertThat(embedder.dimension()).isEqualTo(1536);
        assertThat(server.log()).isEmpty();
    }

    @Test
    void shortensVectorsThroughTheDimensionsParameter() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withDimensions(256));

        List<float[]> vectors = embedder.embedAll(List.of("class A {}", "class B {}"));

        assertThat(embedder.dimension()).isEqualTo(256);
        assertThat(embedder.modelId()).isEqualTo("openai:text-embedding-3-small:256");
        assertFromServer(List.of("class A {}", "class B {}"), vectors, 256);
    }

    @Test
    void asksAnUnknownModelForItsDimensionOnceEvenWhenTheServerIsBusyAtFirst() {
        server.dimension = 384;
        server.forcedRetryAfterMillis = 10;
        server.failNext(Fault.OVERLOADED);
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withModel("local-model"));

        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(server.log()).extracting(Logged::status).containsExactly(503, 200);
    }

    @Test
    void classifiesEachFailureForTheDispatcher() {
        server.forcedRetryAfterMillis = 1_234;
        server.failNext(Fault.RATE_LIMIT, Fault.SERVER_ERROR, Fault.MALFORMED, Fault.RESET);
        OpenAiEmbedder embedder = embedder();

        assertThatThrownBy(() -> embedder.embed(List.of("a"))).isInstanceOfSatisfying(EmbeddingException.class, e -> {
            assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RATE_LIMITED);
            assertThat(e.retryAfter()).contains(Duration.ofMillis(1_234));
            assertThat(e.getMessage()).isEqualTo("OpenAI-compatible server at " + server.baseUrl()
                    .replace("http://", "").replace("/v1", "") + " rate limit reached (429)");
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> embedder.embed(List.of("b"))).isInstanceOfSatisfying(EmbeddingException.class,
                    e -> assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TRANSIENT));
        }
    }

    /**
     * vLLM, text-embeddings-inference and FastAPI servers do not wrap their error in {"error": {…}}:
     * their message was lost, and with it vLLM's "maximum context length", so an input too long for
     * the model failed the job instead of being split.
     */
    @ParameterizedTest
    @EnumSource(FakeOpenAiServer.ErrorStyle.class)
    void anErrorWrittenAsAnyServerWritesItIsReadAndClassified(FakeOpenAiServer.ErrorStyle style) {
        server.errorStyle = style;
        String huge = String.join("", chunks(1, 40_000));

        assertThatThrownBy(() -> embedder().embed(List.of("x", huge)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("refused the request as too large (400): This model's"
                            + " maximum context length is 8192 tokens");
                });
        server.refuseAll = true;
        assertThatThrownBy(() -> embedder().embed(List.of("x"))).isInstanceOfSatisfying(EmbeddingException.class,
                e -> assertThat(e.getMessage()).endsWith("rejected the request (400): '$.input' is invalid."
                        + " Please check the API reference"));
    }

    @Test
    void anInputOverTheModelsLimitIsTooLargeForTheDispatcherToSplit() {
        String huge = String.join("", chunks(1, 40_000)); // ~13,000 cl100k tokens: over 8,192

        assertThatThrownBy(() -> embedder().embed(List.of("x", huge)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("(400)").contains("maximum context length");
                });
    }

    @Test
    void aHugeResponseIsNotReadPastTheLimit() {
        server.hugeBytes = 200L << 20;
        server.failNext(Fault.HUGE, Fault.HUGE);
        long start = System.nanoTime();

        // Several inputs: a smaller request may be answered in less.
        assertThatThrownBy(() -> embedder().embed(List.of("x", "y")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("sent a response larger than 8 MiB; it is not read");
                });
        // One input: no smaller request exists.
        assertThatThrownBy(() -> embedder().embed(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.PERMANENT);
                    assertThat(e.getMessage()).endsWith("larger than 8 MiB; it is not read for a single input; check"
                            + " the base URL and the model");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void aHangIsCutAtTheTimeout() {
        server.hangMillis = 5_000;
        server.failNext(Fault.HANG);
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withTimeout(Duration.ofMillis(600)));

        long start = System.nanoTime();
        assertThatThrownBy(() -> embedder.embed(List.of("y = 2"))).isInstanceOfSatisfying(EmbeddingException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("did not answer within 600 ms");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(550L, 2_000L);
    }

    @Test
    void aRejectedKeyIsPermanentWithAClearMessageWithoutTheKey() {
        String key = "sk-proj-WRONGwrongWRONG0987654321";
        OpenAiEmbedder embedder = new OpenAiEmbedder(OpenAiEmbeddingSettings.of(key).withBaseUrl(server.baseUrl()));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.PERMANENT);
                    assertThat(e.getMessage()).contains("API key was rejected (401)")
                            .doesNotContain(key).doesNotContain("4321").doesNotContain("sk-");
                });
        assertThat(server.log()).hasSize(1);
    }

    @Test
    void theRealOpenAiNameAppearsInTheMessage() {
        CallFailure failure = CallFailure.classify(new HttpStatusException(401, java.util.Map.of(),
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-ab*****1234\"}}"), "https://api.openai.com/v1", "m", null);
        assertThat(failure.getMessage()).isEqualTo("the OpenAI API key was rejected (401)");
        assertThat(failure.kind()).isEqualTo(CallFailure.Kind.PERMANENT);
    }

    @Test
    void anUnknownPathFailsAtOnceNamingTheModelAndBaseUrl() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withBaseUrl(server.baseUrl().replace("/v1", "/v9")));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("(404)", "text-embedding-3-small", "base URL");
                });
    }

    /** Ollama's address as its users first write it: its OpenAI-compatible API is under /v1. */
    @Test
    void aBaseUrlWithoutV1SaysWhereTheApiUsuallyIs() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withBaseUrl(server.baseUrl().replace("/v1", "")));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x"))).isInstanceOfSatisfying(EmbeddingException.class,
                e -> assertThat(e.getMessage()).contains("(404)").endsWith("has no /v1 in its path, where"
                        + " OpenAI-compatible servers serve: try …/v1)"));
        OpenAiAnswerModel chat = new OpenAiAnswerModel(OpenAiChatSettings.select(FakeOpenAiServer.KEY,
                server.baseUrl().replace("/v1", ""), null, null, null).orElseThrow());
        assertThatThrownBy(() -> chat.answer(new dev.reporag.core.port.AnswerPrompt("system", List.of(), "q")))
                .hasMessageContaining("has no /v1 in its path");
    }

    @Test
    void blankInputsAreEmbeddedNotRefused() {
        assertThat(embedder().embedAll(List.of("", "  ", "x"))).hasSize(3);
        assertThat(server.violations()).isZero();
    }

    // The embedder under the core's dispatcher.

    @Test
    void aBigListBecomesConcurrentRequestsOfTheBatchSizeWithResultsInOrder() {
        server.latencyMillis = 150;
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(10, 100_000, Duration.ZERO, 4),
                RateLimits.NONE);
        List<String> texts = chunks(80, 300);

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(server.log()).hasSize(8).allSatisfy(r -> assertThat(r.inputs()).isEqualTo(10));
        assertThat(server.maxInFlight()).isBetween(2, 4);
    }

    @Test
    void aRequestOverTheApisLimitsIsSplitUntilItFits() {
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(2_048, 10_000_000, Duration.ZERO, 4),
                RateLimits.NONE);
        List<String> texts = new ArrayList<>(chunks(2_500, 700));
        String huge = String.join("", chunks(1, 40_000)); // over 8,192 tokens: split in two, then four
        texts.add(1_234, huge);

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertThat(vectors).hasSize(texts.size());
        assertThat(server.log()).filteredOn(r -> r.status() == 200).allSatisfy(r -> {
            assertThat(r.inputs()).isLessThanOrEqualTo(2_048);
            assertThat(r.tokens()).isLessThanOrEqualTo(300_000);
            assertThat(r.maxInputTokens()).isLessThanOrEqualTo(8_192);
        });
        assertThat(status(400)).as("requests refused, then split").isPositive();
        assertThat(norm(vectors.get(1_234))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertFromServer(texts.subList(1_230, 1_234), vectors.subList(1_230, 1_234), 1536);
        assertFromServer(texts.subList(1_235, 1_240), vectors.subList(1_235, 1_240), 1536);
    }

    /**
     * A model that overflows into NaN on some texts (Ollama's bge-m3 in fp16 on some GPUs, in its
     * users' reports): in base64 the vector is NaN, which no store may take; as numbers the server
     * answers 500 "json: unsupported value: NaN", which was retried eight times and failed the job.
     * Either way the text is embedded in two halves, whose vectors are averaged.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aTextTheModelTurnsIntoNaNIsEmbeddedInParts(boolean numbersOnly) {
        server.floatsOnly = numbersOnly;
        server.nanFor = text -> text.contains("importance") && text.contains("strand");
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(25, 10_000_000, Duration.ZERO, 2),
                RateLimits.NONE);
        List<String> texts = new ArrayList<>(chunks(6, 300));
        texts.add(3, "importance of the third part " + "x".repeat(300) + " of the strand");

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertThat(vectors).hasSize(7).allSatisfy(v -> {
            for (float value : v) {
                assertThat(Float.isFinite(value)).isTrue();
            }
        });
        assertThat(norm(vectors.get(3))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertFromServer(texts.subList(0, 3), vectors.subList(0, 3), 1536);
        assertFromServer(texts.subList(4, 7), vectors.subList(4, 7), 1536);
        // Halves of the request until the one text is alone, then its two halves: not eight retries of each.
        assertThat(server.log()).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void staysWithinTheBudgetsWhicheverWayTheServerCountsTokens() {
        for (Metering metering : Metering.values()) {
            server.clearLog();
            // Buckets that hold only 1 s of refill catch any burst.
            server.limits(RPM, TPM, 1);
            server.metering = metering;
            EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(2, 100_000, Duration.ZERO, 4),
                    new RateLimits(RPM, TPM));
            List<String> texts = chunks(60, 1000);

            List<float[]> vectors = dispatcher.embedAll(texts);

            assertFromServer(texts, vectors, 1536);
            assertThat(status(429)).as("429s with %s metering", metering).isLessThanOrEqualTo(1);
            double expected = metering == Metering.CL100K ? cl100kPerOurToken(texts) : 1.0;
            assertThat(dispatcher.stats().ratio()).as("learned ratio, %s", metering)
                    .isBetween(expected * 0.9, expected * 1.1);
        }
    }

    /** cl100k tokens (as the server counted them) per token as the embedder counts them. */
    private double cl100kPerOurToken(List<String> texts) {
        long tokens = server.log().stream().filter(r -> r.status() == 200).mapToLong(Logged::tokens).sum();
        OpenAiEmbedder embedder = embedder();
        return tokens / (double) texts.stream().mapToLong(embedder::countTokens).sum();
    }

    @Test
    void learnsTheBudgetsFromTheRateLimitHeaders() {
        server.limits(RPM, TPM, 1);
        // Told ten times the real budget; the first response corrects it.
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(2, 100_000, Duration.ZERO, 1),
                new RateLimits(RPM * 10, TPM * 10));
        List<String> texts = chunks(60, 1000);

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(dispatcher.stats().tokensPerMinute()).isEqualTo(TPM);
        assertThat(dispatcher.stats().requestsPerMinute()).isEqualTo(RPM);
        assertThat(status(429)).isLessThanOrEqualTo(1);
    }

    @Test
    void withoutHeadersItIsRateLimitedYetCompletesCorrectly() {
        server.limits(RPM, TPM, 1);
        server.sendLimitHeaders = false;
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(2, 100_000, Duration.ZERO, 4),
                new RateLimits(RPM * 100, TPM * 100));
        List<String> texts = chunks(60, 1000);

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(status(429)).isPositive();
        assertThat(dispatcher.stats().rateLimited()).isEqualTo(status(429));
        assertThat(dispatcher.stats().failed()).isZero();
    }

    @Test
    void a429WaitsTheAdvisedTimeAndPausesEveryRequest() {
        server.forcedRetryAfterMillis = 600;
        server.failNext(Fault.RATE_LIMIT);
        server.latencyMillis = 50;
        EmbeddingDispatcher dispatcher = dispatcher(embedder(), new BatchPolicy(1, 100_000, Duration.ZERO, 2),
                RateLimits.NONE);

        dispatcher.embedAll(List.of("a = 1", "b = 2", "c = 3"));

        // "b = 2" was sent with "a = 1"; everything sent after the 429 waited the 600 ms it asked.
        List<Logged> log = server.log();
        assertThat(log).extracting(Logged::status).containsExactly(429, 200, 200, 200);
        assertThat(log.subList(2, 4)).allSatisfy(r -> assertThat((r.atNanos() - log.get(0).atNanos()) / 1_000_000)
                .isBetween(595L, 1_500L));
    }

    @Test
    void withFaultsInjectedTheResultEqualsAFaultFreeRun() {
        List<String> texts = chunks(120, 600);
        BatchPolicy policy = new BatchPolicy(6, 100_000, Duration.ZERO, 4);
        List<float[]> clean = dispatcher(embedder(), policy, RateLimits.NONE).embedAll(texts);
        server.clearLog();

        server.hangMillis = 1_500;
        server.forcedRetryAfterMillis = 100;
        server.randomFaults(0.35, Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.HANG, Fault.RESET, Fault.MALFORMED,
                Fault.RATE_LIMIT);
        OpenAiEmbedder faulty = new OpenAiEmbedder(settings().withTimeout(Duration.ofMillis(400)));
        List<float[]> withFaults = dispatcher(faulty, policy, RateLimits.NONE).embedAll(texts);

        assertThat(withFaults).hasSameSizeAs(clean);
        for (int i = 0; i < clean.size(); i++) {
            assertThat(withFaults.get(i)).containsExactly(clean.get(i));
        }
        assertThat(server.log()).extracting(Logged::status).contains(0, 200, 429, 500, 503);
        assertThat(server.log().stream().filter(r -> r.status() != 200).count()).isGreaterThan(5);
    }

    @Test
    void givesUpWithTheServersErrorAfterTheRetryBudget() {
        server.randomFaults(1.0, Fault.SERVER_ERROR);
        EmbeddingDispatcher dispatcher = new EmbeddingDispatcher(embedder(), new BatchPolicy(5, 100_000,
                Duration.ZERO, 1), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofSeconds(1)), RateLimits.NONE, null);
        dispatchers.add(dispatcher);

        assertThatThrownBy(() -> dispatcher.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("answered 500", "gave up after 3 attempts");
                });
        assertThat(server.log()).hasSize(3);
    }

    @Test
    void keepsTheDelayBetweenRequests() {
        OpenAiEmbedder embedder = embedder();
        embedder.embedAll(List.of("warm")); // a cold client's first request reaches the server late
        server.clearLog();
        EmbeddingDispatcher dispatcher = dispatcher(embedder, new BatchPolicy(1, 100_000, Duration.ofMillis(200), 4),
                RateLimits.NONE);

        dispatcher.embedAll(List.of("a", "b", "c", "d"));

        List<Logged> log = server.log();
        assertThat(log).hasSize(4);
        // Starts are 200 ms apart; arrivals at the server jitter a little around them.
        for (int i = 1; i < log.size(); i++) {
            assertThat((log.get(i).atNanos() - log.get(i - 1).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(150);
        }
        assertThat((log.get(3).atNanos() - log.get(0).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(560);
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}

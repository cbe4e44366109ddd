package dev.reporag.openai;

import dev.reporag.core.contract.EmbedderContract;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import dev.reporag.openai.FakeOpenAiServer.Logged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedder and its scheduler against a fake OpenAI server on a local port. */
class OpenAiEmbedderTest {
    /** Budgets of the rate-limit tests: 20 requests and 8,000 tokens a second. */
    private static final int RPM = 1_200;
    private static final int TPM = 480_000;

    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final List<RequestScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void stop() {
        schedulers.forEach(RequestScheduler::close);
        server.close();
    }

    private OpenAiEmbeddingSettings settings() {
        return OpenAiEmbeddingSettings.of(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl())
                .withTimeout(Duration.ofSeconds(5));
    }

    private RequestScheduler scheduler(SchedulerSettings settings) {
        RequestScheduler scheduler = new RequestScheduler(settings);
        schedulers.add(scheduler);
        return scheduler;
    }

    private OpenAiEmbedder embedder(SchedulerSettings settings) {
        return new OpenAiEmbedder(settings(), scheduler(settings));
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

    @Nested
    class Contract extends EmbedderContract {
        private final OpenAiEmbedder embedder = OpenAiEmbedderTest.this.embedder(SchedulerSettings.defaults());

        @Override
        protected Embedder embedder() {
            return embedder;
        }
    }

    @Test
    void knowsTheDefaultModelsDimensionWithoutACall() {
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults());

        assertThat(embedder.modelId()).isEqualTo("openai:text-embedding-3-small");
        assertThat(embedder.dimension()).isEqualTo(1536);
        assertThat(server.log()).isEmpty();
    }

    @Test
    void shortensVectorsThroughTheDimensionsParameter() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withDimensions(256),
                scheduler(SchedulerSettings.defaults()));

        List<float[]> vectors = embedder.embedAll(List.of("class A {}", "class B {}"));

        assertThat(embedder.dimension()).isEqualTo(256);
        assertThat(embedder.modelId()).isEqualTo("openai:text-embedding-3-small:256");
        assertFromServer(List.of("class A {}", "class B {}"), vectors, 256);
    }

    @Test
    void asksAnUnknownModelForItsDimensionOnce() {
        server.dimension = 384;
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withModel("local-model"),
                scheduler(SchedulerSettings.defaults()));

        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(server.log()).hasSize(1);
    }

    @Test
    void aBigListBecomesSeveralConcurrentRequestsWithResultsInOrder() {
        server.latencyMillis = 150;
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withBatchSize(10).withConcurrency(4));
        List<String> texts = chunks(80, 300);

        List<float[]> vectors = embedder.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(server.log()).hasSize(8).allSatisfy(r -> assertThat(r.inputs()).isEqualTo(10));
        assertThat(server.maxInFlight()).isBetween(2, 4);
    }

    @Test
    void noRequestExceedsTheApisLimits() {
        // A budget of 20M TPM lets requests grow to the 300,000-token cap.
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withTokensPerMinute(20_000_000));
        List<String> texts = new ArrayList<>(chunks(2_500, 700));
        String huge = String.join("", chunks(1, 60_000)); // ~20,000 tokens: more than one input may hold
        texts.add(1_234, huge);

        List<float[]> vectors = embedder.embedAll(texts);

        assertThat(vectors).hasSize(texts.size());
        assertThat(server.violations()).isZero();
        assertThat(server.log()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.inputs()).isLessThanOrEqualTo(2048);
            assertThat(r.tokens()).isLessThanOrEqualTo(300_000);
            assertThat(r.maxInputTokens()).isLessThanOrEqualTo(8_192);
        });
        assertThat(server.log().stream().mapToLong(Logged::tokens).max().orElseThrow()).isGreaterThan(200_000);
        // The oversized text came back as one unit vector, its neighbours as the server's own.
        assertThat(norm(vectors.get(1_234))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertFromServer(texts.subList(1_230, 1_234), vectors.subList(1_230, 1_234), 1536);
        assertFromServer(texts.subList(1_235, 1_240), vectors.subList(1_235, 1_240), 1536);
    }

    @Test
    void honoursTheBatchSize() {
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withBatchSize(25));

        embedder.embedAll(chunks(110, 200));

        assertThat(server.log()).extracting(Logged::inputs).containsExactlyInAnyOrder(25, 25, 25, 25, 10);
    }

    @Test
    void staysWithinTheRequestAndTokenBudgets() {
        // Buckets that hold only 1 s of refill catch any burst.
        server.limits(RPM, TPM, 1);
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withRequestsPerMinute(RPM)
                .withTokensPerMinute(TPM).withBatchSize(2));
        List<String> texts = chunks(60, 1000);

        List<float[]> vectors = embedder.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(server.log()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }

    @Test
    void learnsTheBudgetsFromTheRateLimitHeaders() {
        server.limits(RPM, TPM, 1);
        // Told ten times the real budget; the first response corrects it.
        RequestScheduler scheduler = scheduler(SchedulerSettings.defaults().withRequestsPerMinute(RPM * 10)
                .withTokensPerMinute(TPM * 10).withBatchSize(2).withConcurrency(1));
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings(), scheduler);
        List<String> texts = chunks(60, 1000);

        List<float[]> vectors = embedder.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(scheduler.stats().tokensPerMinute()).isEqualTo(TPM);
        assertThat(scheduler.stats().requestsPerMinute()).isEqualTo(RPM);
        assertThat(server.log().stream().filter(r -> r.status() == 429).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void withoutKnowingTheBudgetItIsRateLimitedYetCompletesCorrectly() {
        server.limits(RPM, TPM, 1);
        server.sendLimitHeaders = false;
        RequestScheduler scheduler = scheduler(SchedulerSettings.defaults().withRequestsPerMinute(RPM * 100)
                .withTokensPerMinute(TPM * 100).withBatchSize(2).withConcurrency(4)
                .withMaxAttempts(30));
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings(), scheduler);
        List<String> texts = chunks(60, 1000);

        List<float[]> vectors = embedder.embedAll(texts);

        assertFromServer(texts, vectors, 1536);
        assertThat(server.log().stream().filter(r -> r.status() == 429).count()).isPositive();
        assertThat(scheduler.stats().rateLimited()).isPositive();
    }

    @Test
    void a429WaitsTheAdvisedTime() {
        server.forcedRetryAfterMillis = 700;
        server.failNext(Fault.RATE_LIMIT);
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults());

        List<float[]> vectors = embedder.embedAll(List.of("int x = 1;"));

        assertFromServer(List.of("int x = 1;"), vectors, 1536);
        List<Logged> log = server.log();
        assertThat(log).extracting(Logged::status).containsExactly(429, 200);
        long waitedMillis = (log.get(1).atNanos() - log.get(0).atNanos()) / 1_000_000;
        assertThat(waitedMillis).isBetween(700L, 1_500L);
    }

    @Test
    void a429PausesEveryRequestNotJustTheOneThatGotIt() {
        server.forcedRetryAfterMillis = 600;
        server.failNext(Fault.RATE_LIMIT);
        server.latencyMillis = 50;
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withBatchSize(1).withConcurrency(1));

        embedder.embedAll(List.of("a = 1", "b = 2", "c = 3"));

        List<Logged> log = server.log();
        assertThat(log).extracting(Logged::status).containsExactly(429, 200, 200, 200);
        assertThat((log.get(1).atNanos() - log.get(0).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(600);
    }

    @Test
    void withFaultsInjectedTheResultEqualsAFaultFreeRun() {
        List<String> texts = chunks(120, 600);
        SchedulerSettings settings = SchedulerSettings.defaults().withBatchSize(6).withConcurrency(4)
                .withMaxAttempts(12).withMaxRetryWait(Duration.ofMillis(400));
        List<float[]> clean = embedder(settings).embedAll(texts);
        server.clearLog();

        server.hangMillis = 1_500;
        server.forcedRetryAfterMillis = 100;
        server.randomFaults(0.35, Fault.values());
        OpenAiEmbedder faulty = new OpenAiEmbedder(settings().withTimeout(Duration.ofMillis(400)),
                scheduler(settings));
        List<float[]> withFaults = faulty.embedAll(texts);

        assertThat(withFaults).hasSameSizeAs(clean);
        for (int i = 0; i < clean.size(); i++) {
            assertThat(withFaults.get(i)).containsExactly(clean.get(i));
        }
        assertThat(server.log()).extracting(Logged::status).contains(0, 200, 429, 500, 503);
        assertThat(server.log().stream().filter(r -> r.status() != 200).count()).isGreaterThan(5);
    }

    @Test
    void aRejectedKeyFailsAtOnceWithAClearMessageWithoutTheKey() {
        String key = "sk-proj-WRONGwrongWRONG0987654321";
        OpenAiEmbedder embedder = new OpenAiEmbedder(
                OpenAiEmbeddingSettings.of(key).withBaseUrl(server.baseUrl()),
                scheduler(SchedulerSettings.defaults()));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("API key was rejected (401)")
                            .doesNotContain(key).doesNotContain("4321").doesNotContain("sk-");
                });
        assertThat(server.log()).hasSize(1);
    }

    @Test
    void theRealOpenAiNameAppearsInTheMessage() {
        CallFailure failure = CallFailure.classify(new HttpStatusException(401, java.util.Map.of(),
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-ab*****1234\"}}"), "OpenAI", "m", null);
        assertThat(failure.getMessage()).isEqualTo("the OpenAI API key was rejected (401)");
        assertThat(failure.kind()).isEqualTo(CallFailure.Kind.PERMANENT);
    }

    @Test
    void anUnknownPathFailsAtOnceNamingTheModelAndBaseUrl() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withBaseUrl(server.baseUrl().replace("/v1", "/v9")),
                scheduler(SchedulerSettings.defaults()));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("(404)", "text-embedding-3-small", "base URL");
                });
    }

    @Test
    void givesUpWithANonRetryableErrorAfterMaxAttempts() {
        server.randomFaults(1.0, Fault.SERVER_ERROR);
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withMaxAttempts(3)
                .withMaxRetryWait(Duration.ofMillis(50)));

        assertThatThrownBy(() -> embedder.embedAll(List.of("x")))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("answered 500", "gave up after 3 attempts");
                });
        assertThat(server.log()).hasSize(3);
    }

    @Test
    void aHangIsCutAtTheTimeoutAndRetried() {
        server.hangMillis = 5_000;
        server.failNext(Fault.HANG);
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings().withTimeout(Duration.ofMillis(600)),
                scheduler(SchedulerSettings.defaults()));

        long start = System.nanoTime();
        List<float[]> vectors = embedder.embedAll(List.of("y = 2"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertFromServer(List.of("y = 2"), vectors, 1536);
        assertThat(server.log()).extracting(Logged::status).containsExactly(0, 200);
        assertThat(millis).isBetween(600L, 4_000L);
    }

    @Test
    void keepsTheDelayBetweenRequests() {
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults().withBatchSize(1).withConcurrency(4)
                .withDelay(Duration.ofMillis(200)));

        embedder.embedAll(List.of("a", "b", "c", "d"));

        List<Logged> log = server.log();
        assertThat(log).hasSize(4);
        // Starts are 200 ms apart; arrivals at the server jitter a little around them.
        for (int i = 1; i < log.size(); i++) {
            assertThat((log.get(i).atNanos() - log.get(i - 1).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(150);
        }
        assertThat((log.get(3).atNanos() - log.get(0).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(580);
    }

    @Test
    void blankInputsAreEmbeddedNotRefused() {
        OpenAiEmbedder embedder = embedder(SchedulerSettings.defaults());

        assertThat(embedder.embedAll(List.of("", "  ", "x"))).hasSize(3);
        assertThat(server.violations()).isZero();
    }

    private static double norm(float[] v) {
        return Math.sqrt(IntStream.range(0, v.length).mapToDouble(i -> v[i] * v[i]).sum());
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.port.Embedder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EstimateTest {
    private static final String REPO = "mem://shop";

    /** Records every text it is sent; counts a token per word, unlike its rate limiter (chars / 4). */
    static class RecordingEmbedder implements Embedder {
        final HashingEmbedder inner = new HashingEmbedder(32, 4000);
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final String key;

        RecordingEmbedder(String key) {
            this.key = key;
        }

        public String modelId() {
            return "openai:text-embedding-3-small";
        }

        public int dimension() {
            return 32;
        }

        public int maxInputChars() {
            return 4000;
        }

        public List<float[]> embedAll(List<String> texts) {
            received.addAll(texts);
            return inner.embedAll(texts);
        }

        @Override
        public long billedTokens(String text) {
            return text.split("\\s+").length;
        }

        @Override
        public Optional<String> rateLimitKey() {
            return Optional.ofNullable(key);
        }
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            StringBuilder body = new StringBuilder("package shop;\n\nclass C" + i + " {\n");
            for (int line = 0; line < 60; line++) {
                body.append("    int field").append(line).append(" = ").append(i * line).append("; // note ").append(line)
                        .append('\n');
            }
            files.put("src/C" + i + ".java", body.append("}\n").toString());
        }
        files.put("docs/guide.md", "# Guide\n");
        files.put("logo.png", "\u0000\u0001binary");
        files.put(".env", "SECRET=1\n");
        return files;
    }

    private static RepoRag rag(Embedder embedder, InMemoryRepositorySource source, RagSettings settings) {
        return rag(embedder, source, settings, new InMemoryJobRepository());
    }

    private static RepoRag rag(Embedder embedder, InMemoryRepositorySource source, RagSettings settings,
                               InMemoryJobRepository jobs) {
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(new InMemoryVectorStore(32))
                .jobs(jobs).conversations(new InMemoryConversationRepository())
                .settings(settings).build();
    }

    @Test
    void theEstimateCountsWhatAnIngestionSendsAndNothingIsEmbedded() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        RecordingEmbedder embedder = new RecordingEmbedder("key-hash");
        RagSettings settings = RagSettings.builder().rateLimits(new RateLimits(600, 60_000))
                .batch(new BatchPolicy(25, BatchPolicy.DEFAULT_MAX_TOKENS, Duration.ZERO, 2)).build();
        try (RepoRag rag = rag(embedder, source, settings)) {
            Estimate estimate = rag.estimate(REPO, null, true);
            assertThat(embedder.received).as("an estimate embeds nothing").isEmpty();

            Project shop = rag.register("shop", REPO, null);
            rag.requestIngestion(shop.id());
            IngestionJob job = rag.processNext("w").orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.READY);

            assertThat(estimate.chunks()).isEqualTo(embedder.received.size()).isEqualTo(job.progress().chunksDone());
            assertThat(estimate.tokens()).isEqualTo(embedder.received.stream().mapToLong(embedder::billedTokens).sum());
            assertThat(estimate.rateLimitTokens()).isEqualTo(embedder.received.stream()
                    .mapToLong(t -> Math.max(1, (t.length() + 3) / 4)).sum());
            assertThat(estimate.filesKept()).isEqualTo(30);
            assertThat(estimate.filesSkipped()).isEqualTo(3).isEqualTo(job.progress().filesSkipped());
            assertThat(estimate.skippedByReason()).containsKeys(SkipReason.EXCLUDED_PATH);
            assertThat(estimate.commit()).isEqualTo(job.commit());
            assertThat(estimate.requests()).isEqualTo((estimate.chunks() + 24) / 25);
            assertThat(estimate.pricePerMillionTokens()).isEqualTo(0.02);
            assertThat(estimate.costUsd()).isCloseTo(estimate.tokens() * 0.02 / 1e6, org.assertj.core.data.Offset.offset(1e-12));
            // 600 RPM and 60,000 TPM: whichever takes longer.
            long expected = (long) Math.ceil(Math.max(estimate.rateLimitTokens() / 60_000.0, estimate.requests() / 600.0)
                    * 60);
            assertThat(estimate.seconds()).isEqualTo(expected);
            assertThat(estimate.timeBasis()).contains("600 requests").contains("60000 tokens");
            // The answer time a request the limits' pace needs, with the requests the settings keep in flight.
            int inFlight = settings.batch().concurrency();
            assertThat(estimate.notes()).contains(String.format(java.util.Locale.ROOT, "that time holds while the"
                    + " server answers each request within %.2f s (%d in flight); a slower server sets the pace"
                    + " instead: %,d requests x its time a request / %d", (double) expected * inFlight
                    / estimate.requests(), inFlight, estimate.requests(), inFlight));
        }
    }

    /**
     * Under limits the server never reaches, the requests in flight set the pace: once this process has
     * seen answers, the estimate counts their time.
     */
    @Test
    void underGenerousLimitsTheAnswerTimeSeenSoFarSetsTheTime() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        source.commit("mem://other", files());
        RecordingEmbedder slow = sleeping("key-slow", 60);
        RagSettings settings = RagSettings.builder().rateLimits(new RateLimits(1_000_000, 1_000_000_000))
                .batch(new BatchPolicy(5, 1_000_000, Duration.ZERO, 2)).build();
        try (RepoRag rag = rag(slow, source, settings)) {
            Estimate before = rag.estimate(REPO, null, false);
            assertThat(before.seconds()).as("the limits' time: next to nothing").isEqualTo(1);
            assertThat(before.timeBasis()).startsWith("within 1000000 requests");
            assertThat(before.notes()).anyMatch(n -> n.startsWith("that time holds while the server answers")
                    && !n.contains("on average"));

            Project other = rag.register("other", "mem://other", null);
            rag.requestIngestion(other.id());
            assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);
            double answer = rag.embeddingStats().answerSeconds();
            assertThat(rag.embeddingStats().recentAnswers()).isGreaterThanOrEqualTo(Estimator.MIN_ANSWERS_SEEN);
            assertThat(answer).isBetween(0.06, 1.0);

            Estimate after = rag.estimate(REPO, null, false);
            assertThat(after.requests()).isGreaterThan(10);
            assertThat(after.seconds()).isEqualTo((long) Math.ceil(after.requests() * answer / 2));
            assertThat(after.timeBasis()).startsWith(String.format(java.util.Locale.ROOT,
                    "2 requests in flight, answered in %.2f s each on average here (%d answers)", answer,
                    rag.embeddingStats().recentAnswers()))
                    .endsWith("within 1000000 requests and 1000000000 tokens a minute would allow it sooner");
            assertThat(after.notes()).noneMatch(n -> n.startsWith("that time holds"));
        }
    }

    /** An estimate sends nothing and prepares no client; a job prepares its embedder before its first request. */
    @Test
    void aJobPreparesItsEmbedderAndAnEstimateDoesNot() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        java.util.concurrent.atomic.AtomicInteger prepared = new java.util.concurrent.atomic.AtomicInteger();
        List<Integer> preparedAtRequests = Collections.synchronizedList(new ArrayList<>());
        RecordingEmbedder embedder = new RecordingEmbedder("key") {
            @Override
            public void prepare() {
                prepared.incrementAndGet();
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                preparedAtRequests.add(prepared.get());
                return super.embedAll(texts);
            }
        };
        try (RepoRag rag = rag(embedder, source, RagSettings.defaults())) {
            rag.estimate(REPO, null, false);
            assertThat(prepared).hasValue(0);
            Project project = rag.register("shop", REPO, null);
            rag.requestIngestion(project.id());
            assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);
            assertThat(preparedAtRequests).isNotEmpty().allMatch(count -> count == 1);
        }
    }

    /**
     * A one-shot estimate (a new process, no request sent yet) takes the answer time the last ingestion
     * with the same server, model and key left in the job store; another key's is not taken.
     */
    @Test
    void aNewProcessTakesTheAnswerTimeTheLastIngestionRecorded() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        source.commit("mem://other", files());
        InMemoryJobRepository jobs = new InMemoryJobRepository();
        RagSettings settings = RagSettings.builder().rateLimits(new RateLimits(1_000_000, 1_000_000_000))
                .batch(new BatchPolicy(5, 1_000_000, Duration.ZERO, 2)).build();
        double answer;
        try (RepoRag first = rag(sleeping("key-slow", 60), source, settings, jobs)) {
            Project other = first.register("other", "mem://other", null);
            first.requestIngestion(other.id());
            assertThat(first.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);
            answer = first.embeddingStats().answerSeconds();
            assertThat(jobs.answerTime("key-slow")).hasValueSatisfying(recorded -> {
                assertThat(recorded.meanSeconds()).isEqualTo(answer);
                assertThat(recorded.answers()).isEqualTo(first.embeddingStats().recentAnswers());
            });
        }

        try (RepoRag later = rag(sleeping("key-slow", 0), source, settings, jobs)) {
            Estimate estimate = later.estimate(REPO, null, false);
            assertThat(later.embeddingStats().requests()).as("an estimate sends nothing").isZero();
            assertThat(estimate.seconds()).isEqualTo((long) Math.ceil(estimate.requests() * answer / 2));
            assertThat(estimate.timeBasis()).startsWith(String.format(java.util.Locale.ROOT,
                    "2 requests in flight, answered in %.2f s each on average in the last ingestion with this"
                            + " server, model and key, at ", answer));
        }
        try (RepoRag otherKey = rag(sleeping("key-other", 0), source, settings, jobs)) {
            Estimate estimate = otherKey.estimate(REPO, null, false);
            assertThat(estimate.seconds()).as("the limits' time: next to nothing").isEqualTo(1);
            assertThat(estimate.notes()).anyMatch(n -> n.startsWith("that time holds while the server answers")
                    && !n.contains("on average"));
        }
    }

    /** A recording embedder with a rate budget of {@code key} that takes {@code millis} a request. */
    private static RecordingEmbedder sleeping(String key, long millis) {
        return new RecordingEmbedder(key) {
            @Override
            public List<float[]> embedAll(List<String> texts) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.embedAll(texts);
            }
        };
    }

    @Test
    void anInProcessModelIsFreeAndItsSpeedIsMeasuredOnlyWhenAsked() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        RecordingEmbedder embedder = new RecordingEmbedder(null);
        try (RepoRag rag = rag(embedder, source, RagSettings.defaults())) {
            Estimate quiet = rag.estimate(REPO, null, false);
            assertThat(quiet.costUsd()).isZero();
            assertThat(quiet.seconds()).isNull();
            assertThat(embedder.received).isEmpty();

            Estimate measured = rag.estimate(REPO, null, true);
            assertThat(measured.seconds()).isNotNull();
            assertThat(measured.timeBasis()).startsWith("measured here:");
            assertThat(embedder.received).hasSize(1 + Estimator.SPEED_SAMPLE);
        }
    }

    @Test
    void aPriceInConfigurationReplacesTheTableAndAnUnknownModelHasNoCost() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        RecordingEmbedder embedder = new RecordingEmbedder("k") {
            @Override
            public String modelId() {
                return "openai:some-new-model";
            }
        };
        try (RepoRag rag = rag(embedder, source, RagSettings.defaults())) {
            Estimate unknown = rag.estimate(REPO, null, false);
            assertThat(unknown.costUsd()).isNull();
            assertThat(unknown.notes()).anyMatch(n -> n.contains("RAG_EMBEDDING_PRICE_PER_MTOK"));
        }
        try (RepoRag rag = rag(embedder, source, RagSettings.builder().pricePerMillionTokens(1.5).build())) {
            Estimate priced = rag.estimate(REPO, null, false);
            assertThat(priced.costUsd()).isCloseTo(priced.tokens() * 1.5 / 1e6, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void aJobOverItsTokenBudgetStopsCleanlyAndARetryWithMoreFinishesIt() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, files());
        RecordingEmbedder embedder = new RecordingEmbedder("k");
        InMemoryJobRepository jobs = new InMemoryJobRepository();
        InMemoryVectorStore store = new InMemoryVectorStore(32);
        long total;
        try (RepoRag probe = rag(embedder, source, RagSettings.defaults())) {
            total = probe.estimate(REPO, null, false).tokens();
        }
        long budget = total / 3;
        Project shop;
        try (RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().maxTokensPerJob(budget).build()).build()) {
            shop = rag.register("shop", REPO, null);
            rag.requestIngestion(shop.id());
            IngestionJob failed = rag.processNext("w").orElseThrow();

            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error()).contains("budget of " + String.format(java.util.Locale.ROOT, "%,d", budget))
                    .contains("RAG_MAX_TOKENS_PER_JOB").contains("rag estimate");
            long sent = embedder.received.stream().mapToLong(embedder::billedTokens).sum();
            assertThat(sent).as("never more than the budget is sent").isLessThanOrEqualTo(budget).isPositive();
            assertThat(store.count(shop.id())).as("what was embedded is kept").isPositive()
                    .isEqualTo(embedder.received.size());
        }
        try (RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().maxTokensPerJob(total).build()).build()) {
            int before = embedder.received.size();
            rag.retry(shop.id());
            IngestionJob ready = rag.processNext("w").orElseThrow();
            assertThat(ready.status()).isEqualTo(JobStatus.READY);
            assertThat(embedder.received.size() - before).as("the retry embeds only what is missing")
                    .isEqualTo(ready.progress().chunksDone() - before);
        }
    }

    @Test
    void aRefusedSourceIsAClearError() {
        try (RepoRag rag = rag(new RecordingEmbedder("k"), new InMemoryRepositorySource(), RagSettings.defaults())) {
            assertThatThrownBy(() -> rag.estimate(" ", null, false))
                    .isInstanceOf(dev.reporag.core.port.InvalidInputException.class);
            assertThatThrownBy(() -> rag.estimate("mem://missing", null, false))
                    .isInstanceOf(dev.reporag.core.port.SourceException.class).hasMessageContaining("not found");
        }
    }
}

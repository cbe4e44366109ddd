package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.EmbeddingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class IngestionTest {
    private static final String REPO = "mem://demo";
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final RagSettings settings = RagSettings.builder()
            .batch(new BatchPolicy(5, 100_000, Duration.ZERO, 2))
            .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(50)))
            .lease(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(20))
            .progressInterval(Duration.ZERO)
            .build();
    private final RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
            .conversations(new InMemoryConversationRepository()).settings(settings).build();

    @AfterEach
    void close() {
        rag.close();
    }

    static Map<String, String> repository() {
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < 6; f++) {
            StringBuilder text = new StringBuilder("package demo;\n\nclass Service" + f + " {\n");
            for (int m = 0; m < 12; m++) {
                text.append("    int method").append(m).append("(int value) {\n")
                        .append("        int doubled = value + value;\n")
                        .append("        int tripled = doubled + value;\n")
                        .append("        log(\"method").append(m).append(" of Service").append(f).append("\");\n")
                        .append("        return value * ").append(f * 100 + m).append(";\n    }\n\n");
            }
            files.put("src/Service" + f + ".java", text.append("}\n").toString());
        }
        files.put("README.md", "# Demo\nA demo project.\n");
        files.put("docs/guide.md", "excluded\n");
        files.put(".env", "SECRET=1\n");
        files.put("package-lock.json", "{}\n");
        return files;
    }

    private IngestionJob ingest(Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "test-worker", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    private Set<String> storedIds(Project project) {
        return store.chunkKeys(project.id()).keySet();
    }

    @Test
    void ingestsARepositoryToReadyWithCounts() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        List<SkippedFile> skipped = new CopyOnWriteArrayList<>();

        IngestionJob job = rag.requestIngestion(project.id());
        IngestionJob done = rag.process(job.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onSkipped(IngestionJob j, SkippedFile file) {
                skipped.add(file);
            }
        }).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(done.error()).isNull();
        assertThat(done.progress().percent()).isEqualTo(100);
        assertThat(done.progress().filesTotal()).isEqualTo(7);
        assertThat(done.progress().filesDone()).isEqualTo(7);
        assertThat(done.progress().filesSkipped()).isEqualTo(3);
        assertThat(done.progress().chunksTotal()).isEqualTo(store.count(project.id())).isGreaterThan(6);
        assertThat(done.progress().chunksEmbedded()).isEqualTo(store.count(project.id()));
        assertThat(done.commit()).isNotBlank();
        assertThat(skipped).extracting(SkippedFile::reason)
                .containsExactlyInAnyOrder(SkipReason.EXCLUDED_PATH, SkipReason.SECRET, SkipReason.EXCLUDED_PATH);
        assertThat(rag.status(project.id()).status()).isEqualTo(JobStatus.READY);
        // Every call but the last carried a full batch.
        assertThat(embedder.inputs()).isEqualTo(store.count(project.id()));
    }

    @Test
    void skippedFilesAreListedWithTheirRuleAndSizeAndStayListedWhileUnchanged() {
        Map<String, String> files = repository();
        files.put("src/blob.dat", "abc\u0000def");
        source.commit(REPO, files);
        Project project = rag.register("demo", REPO, null);
        assertThat(rag.skippedFiles(project.id()).total()).as("before any job").isZero();

        IngestionJob first = ingest(project);

        SkippedFiles skipped = rag.skippedFiles(project.id());
        assertThat(skipped.jobId()).contains(first.id());
        assertThat(skipped.commit()).contains(first.commit());
        assertThat(skipped.counts()).isEqualTo(Map.of(SkipReason.EXCLUDED_PATH, 2, SkipReason.SECRET, 1,
                SkipReason.BINARY, 1));
        assertThat(skipped.page(java.util.Optional.empty(), 0, 10)).containsExactlyInAnyOrder(
                new SkippedFiles.Entry(".env", SkipReason.SECRET, 9),
                new SkippedFiles.Entry("docs/guide.md", SkipReason.EXCLUDED_PATH, 9),
                new SkippedFiles.Entry("package-lock.json", SkipReason.EXCLUDED_PATH, 3),
                new SkippedFiles.Entry("src/blob.dat", SkipReason.BINARY, 7));
        assertThat(first.progress().filesSkipped()).isEqualTo(4);

        // Only the changed file is read again; the binary one, unchanged, is still left out, unread.
        files.put("src/Service2.java", files.get("src/Service2.java").replace("value * 203", "value * 9999"));
        source.commit(REPO, files);
        int reads = source.reads();
        IngestionJob second = ingest(project);

        assertThat(source.reads() - reads).isEqualTo(1);
        SkippedFiles again = rag.skippedFiles(project.id());
        assertThat(again.jobId()).contains(second.id());
        assertThat(again.counts()).isEqualTo(skipped.counts());
        assertThat(again.page(java.util.Optional.of(SkipReason.BINARY), 0, 10))
                .containsExactly(new SkippedFiles.Entry("src/blob.dat", SkipReason.BINARY, 7));
        assertThat(second.progress().filesSkipped()).isEqualTo(4);
        assertThat(second.progress().filesTotal()).isEqualTo(first.progress().filesTotal()).isEqualTo(7);
    }

    @Test
    void reIndexingAnUnchangedRepositoryMakesNoEmbeddingCall() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        ingest(project);
        Set<String> before = storedIds(project);
        int calls = embedder.calls();
        int reads = source.reads();

        IngestionJob again = ingest(project);

        assertThat(again.status()).isEqualTo(JobStatus.READY);
        assertThat(embedder.calls()).isEqualTo(calls);
        assertThat(source.reads()).isEqualTo(reads); // same commit: nothing is even read
        assertThat(storedIds(project)).isEqualTo(before);
        assertThat(again.progress().chunksTotal()).isEqualTo(before.size());
    }

    @Test
    void aChangedFileIsTheOnlyOneReadAndEmbedded() {
        Map<String, String> files = repository();
        source.commit(REPO, files);
        Project project = rag.register("demo", REPO, null);
        ingest(project);
        Set<String> before = storedIds(project);

        files.put("src/Service2.java", files.get("src/Service2.java").replace("value * 203", "value * 9999"));
        source.commit(REPO, files);
        long inputsBefore = embedder.inputs();
        int readsBefore = source.reads();
        IngestionJob after = ingest(project);

        assertThat(after.status()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).isEqualTo(1);
        long embedded = embedder.inputs() - inputsBefore;
        assertThat(embedded).isBetween(1L, 3L);
        assertThat(after.progress().chunksEmbedded()).isEqualTo(embedded);
        assertThat(storedIds(project)).isEqualTo(freshIndexIds(files));
        assertThat(storedIds(project)).isNotEqualTo(before);
    }

    @Test
    void deletedAndRenamedFilesLoseTheirChunks() {
        Map<String, String> files = repository();
        source.commit(REPO, files);
        Project project = rag.register("demo", REPO, null);
        ingest(project);

        files.remove("src/Service1.java");
        files.put("src/Moved.java", files.remove("src/Service3.java"));
        source.commit(REPO, files);
        ingest(project);

        assertThat(store.chunkKeys(project.id(), List.of("src/Service1.java", "src/Service3.java"))).isEmpty();
        assertThat(store.chunkKeys(project.id(), List.of("src/Moved.java"))).isNotEmpty();
        assertThat(storedIds(project)).isEqualTo(freshIndexIds(files));
    }

    @Test
    void aFullReconcileRunsWhenTheIndexedCommitIsUnknown() {
        Map<String, String> files = repository();
        source.commit(REPO, files);
        Project project = rag.register("demo", REPO, null);
        ingest(project);
        // Another source with different history: the old commit is unknown there.
        InMemoryRepositorySource rewritten = new InMemoryRepositorySource();
        files.remove("src/Service0.java");
        rewritten.commit(REPO, files);
        try (RepoRag other = RepoRag.builder().source(rewritten).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(settings).build()) {
            long inputs = embedder.inputs();
            IngestionJob job = other.requestIngestion(project.id());
            IngestionJob done = other.process(job.id(), "w", new Cancellation(), IngestionListener.NONE)
                    .orElseThrow();

            assertThat(done.status()).isEqualTo(JobStatus.READY);
            assertThat(embedder.inputs()).isEqualTo(inputs); // every remaining chunk was already stored
            assertThat(rewritten.reads()).isEqualTo(6); // but every file was read to reconcile
        }
        assertThat(storedIds(project)).isEqualTo(freshIndexIds(files));
    }

    @Test
    void aFailingEmbedderFailsTheJobAndTheRetryEmbedsOnlyWhatIsMissing() {
        Map<String, String> files = repository();
        source.commit(REPO, files);
        // One request at a time, so "the first three batches" is well defined.
        RepoRag serial = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository())
                .settings(settings.toBuilder().batch(new BatchPolicy(5, 100_000, Duration.ZERO, 1)).build()).build();
        Project project = serial.register("demo", REPO, null);
        embedder.failAfter(3, EmbeddingException.permanent("the OpenAI API key was rejected (401)"));

        IngestionJob started = serial.requestIngestion(project.id());
        IngestionJob failed = serial.process(started.id(), "w", new Cancellation(), IngestionListener.NONE)
                .orElseThrow();
        serial.close();

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("the OpenAI API key was rejected (401)");
        long storedAfterFailure = store.count(project.id());
        assertThat(storedAfterFailure).isEqualTo(15); // three batches of five
        assertThat(failed.progress().percent()).isLessThan(100);

        embedder.stopFailing();
        long inputs = embedder.inputs();
        IngestionJob resumed = ingest(project);

        Set<String> expected = freshIndexIds(files);
        assertThat(resumed.status()).isEqualTo(JobStatus.READY);
        assertThat(embedder.inputs() - inputs).isEqualTo(expected.size() - storedAfterFailure);
        assertThat(storedIds(project)).isEqualTo(expected);
        assertThat(store.count(project.id())).isEqualTo(expected.size());
    }

    @Test
    void transientEmbeddingFailuresAreRetried() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        // Two failures in a row at most per batch, within the three attempts allowed.
        embedder.failAfter(2, 2, EmbeddingException.transientFailure("rate limited (429)", Duration.ofMillis(5)));
        int callsBefore = embedder.calls();

        IngestionJob done = ingest(project);

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(storedIds(project)).isEqualTo(freshIndexIds(repository()));
        long batches = (store.count(project.id()) + 4) / 5;
        assertThat(embedder.calls() - callsBefore).isEqualTo(batches + 2);
    }

    @Test
    void retriesGiveUpWithAClearError() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        embedder.failAfter(0, EmbeddingException.transientFailure("the embedding API answered 503", null));

        IngestionJob failed = ingest(project);

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("the embedding API answered 503 (gave up after 3 attempts)");
    }

    @Test
    void aMissingRepositoryFailsWithTheSourceError() {
        Project project = rag.register("ghost", "mem://nothing-here", null);

        IngestionJob failed = ingest(project);

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("repository not found: mem://nothing-here");
    }

    @Test
    void binaryAndUndecodableFilesAreSkippedWithReasons() {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("src/A.java", "class A {}\n".getBytes(StandardCharsets.UTF_8));
        files.put("src/blob.dat", new byte[]{1, 2, 0, 3});
        files.put("src/gbk.java", "// \u4e2d\u6587\n".getBytes(java.nio.charset.Charset.forName("GBK")));
        files.put("src/latin1.java", "// caf\u00e9\nclass L {}\n".getBytes(StandardCharsets.ISO_8859_1));
        files.put("big/lfs.java", "version https://git-lfs.github.com/spec/v1\noid sha256:1\nsize 9\n"
                .getBytes(StandardCharsets.UTF_8));
        source.commitBytes(REPO, files);
        Project project = rag.register("mixed", REPO, null);
        List<SkippedFile> skipped = new ArrayList<>();

        IngestionJob job = rag.requestIngestion(project.id());
        IngestionJob done = rag.process(job.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onSkipped(IngestionJob j, SkippedFile file) {
                skipped.add(file);
            }
        }).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(done.progress().filesTotal()).isEqualTo(2);
        assertThat(done.progress().filesSkipped()).isEqualTo(3);
        assertThat(skipped).extracting(SkippedFile::path, SkippedFile::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("src/blob.dat", SkipReason.BINARY),
                org.assertj.core.groups.Tuple.tuple("src/gbk.java", SkipReason.UNREADABLE),
                org.assertj.core.groups.Tuple.tuple("big/lfs.java", SkipReason.LFS_POINTER));
        assertThat(store.count(project.id())).isEqualTo(2);
    }

    @Test
    void progressNeverGoesBackwardsAndIsCompleteExactlyWhenReady() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        List<Progress> seen = new CopyOnWriteArrayList<>();
        List<JobStatus> statusesSeen = new CopyOnWriteArrayList<>();

        IngestionJob job = rag.requestIngestion(project.id());
        IngestionJob done = rag.process(job.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onProgress(IngestionJob j, Progress progress) {
                seen.add(progress);
                ProjectStatus status = rag.status(project.id());
                statusesSeen.add(status.status());
                assertThat(status.progress().percent()).isLessThan(100);
            }
        }).orElseThrow();

        assertThat(seen).hasSizeGreaterThan(5);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).percent()).isGreaterThanOrEqualTo(seen.get(i - 1).percent());
            assertThat(seen.get(i).chunksDone()).isGreaterThanOrEqualTo(seen.get(i - 1).chunksDone());
        }
        assertThat(seen).allSatisfy(p -> assertThat(p.percent()).isLessThan(100));
        assertThat(seen.get(seen.size() - 1).percent()).isGreaterThanOrEqualTo(90);
        assertThat(statusesSeen).containsOnly(JobStatus.PROCESSING);
        assertThat(done.progress().percent()).isEqualTo(100);
    }

    @Test
    void theWorkerStoresItsEstimateOfTheTimeLeftWithEachSaveAndNoneOnceReady() {
        // A clock a second further at every save: the estimate depends on this clock only.
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        source.commit(REPO, repository());
        List<Progress> reported = new CopyOnWriteArrayList<>();
        List<Progress> stored = new CopyOnWriteArrayList<>();
        try (RepoRag timed = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(settings).clock(clock).build()) {
            Project project = timed.register("demo", REPO, null);
            IngestionJob job = timed.requestIngestion(project.id());

            IngestionJob done = timed.process(job.id(), "w", new Cancellation(), new IngestionListener() {
                @Override
                public void onProgress(IngestionJob j, Progress progress) {
                    reported.add(progress);
                    stored.add(timed.status(project.id()).progress());
                    now.updateAndGet(t -> t.plusSeconds(1));
                }
            }).orElseThrow();

            assertThat(stored).isEqualTo(reported);
            assertThat(reported.get(0).eta()).as("no estimate from a single sample").isEmpty();
            // Saves a second apart: once the percentage has moved, every save has an estimate.
            int moved = 0;
            while (reported.get(moved).percent() == reported.get(0).percent()) {
                moved++;
            }
            assertThat(reported.subList(0, moved)).allSatisfy(p -> assertThat(p.eta()).isEmpty());
            assertThat(reported.subList(moved, reported.size())).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.eta()).isPresent());
            assertThat(done.status()).isEqualTo(JobStatus.READY);
            assertThat(done.progress().eta()).isEmpty();
            assertThat(timed.status(project.id()).progress().etaSeconds()).isEqualTo(Progress.ETA_UNKNOWN);
        }
    }

    @Test
    void aCancelledJobIsPendingAgainAndResumes() {
        source.commit(REPO, repository());
        Project project = rag.register("demo", REPO, null);
        Cancellation cancellation = new Cancellation();

        IngestionJob job = rag.requestIngestion(project.id());
        IngestionJob stopped = rag.process(job.id(), "w", cancellation, new IngestionListener() {
            @Override
            public void onProgress(IngestionJob j, Progress progress) {
                if (progress.chunksDone() >= 10) {
                    cancellation.cancel();
                }
            }
        }).orElseThrow();

        assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
        assertThat(stopped.leaseOwner()).isNull();
        long partial = store.count(project.id());
        assertThat(partial).isBetween(10L, freshIndexIds(repository()).size() - 1L);

        long inputs = embedder.inputs();
        IngestionJob resumed = rag.process(job.id(), "w2", new Cancellation(), IngestionListener.NONE).orElseThrow();

        assertThat(resumed.id()).isEqualTo(job.id());
        assertThat(resumed.status()).isEqualTo(JobStatus.READY);
        assertThat(resumed.attempts()).isEqualTo(2);
        assertThat(storedIds(project)).isEqualTo(freshIndexIds(repository()));
        assertThat(embedder.inputs() - inputs).isLessThanOrEqualTo(store.count(project.id()) - partial + 10);
    }

    /** The chunk ids a fresh, full ingestion of {@code files} stores. */
    private Set<String> freshIndexIds(Map<String, String> files) {
        InMemoryRepositorySource freshSource = new InMemoryRepositorySource();
        freshSource.commit(REPO, files);
        HashingEmbedder freshEmbedder = new HashingEmbedder();
        InMemoryVectorStore freshStore = new InMemoryVectorStore(freshEmbedder.dimension());
        InMemoryJobRepository freshJobs = new InMemoryJobRepository();
        try (RepoRag fresh = RepoRag.builder().source(freshSource).embedder(freshEmbedder).vectorStore(freshStore)
                .jobs(freshJobs).conversations(new InMemoryConversationRepository()).settings(settings).build()) {
            // Same project id, so the deterministic chunk ids compare.
            Project original = jobs.projectByName(jobs.projects().get(0).name()).orElseThrow();
            freshJobs.saveProject(original);
            IngestionJob job = fresh.requestIngestion(original.id());
            assertThat(fresh.process(job.id(), "fresh", new Cancellation(), IngestionListener.NONE).orElseThrow()
                    .status()).isEqualTo(JobStatus.READY);
            return freshStore.chunkKeys(original.id()).keySet();
        }
    }
}

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
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTest {
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final RagSettings settings = RagSettings.builder()
            .batch(new BatchPolicy(4, 100_000, Duration.ZERO, 1))
            .lease(Duration.ofMillis(600))
            .pollInterval(Duration.ofMillis(10))
            .progressInterval(Duration.ZERO)
            .build();
    private final List<RepoRag> opened = new ArrayList<>();

    private RepoRag rag(Embedder embedder, JobRepository jobs) {
        RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(settings).build();
        opened.add(rag);
        return rag;
    }

    @AfterEach
    void close() {
        opened.forEach(RepoRag::close);
    }

    private static Map<String, String> files(int n) {
        Map<String, String> files = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            files.put("src/F" + i + ".java", ("class F" + i + " { int v = " + i + "; }\n").repeat(30));
        }
        return files;
    }

    @Test
    void anIdleWorkerOfTheProcessTakesAJobItEnqueuesAtOnceNotAtItsNextPoll() throws InterruptedException {
        RagSettings slowPolls = RagSettings.builder().batch(new BatchPolicy(4, 100_000, Duration.ZERO, 1))
                .pollInterval(Duration.ofSeconds(60)).progressInterval(Duration.ZERO).build();
        RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(slowPolls).build();
        opened.add(rag);
        source.commit("mem://bell", files(2));
        Project project = rag.register("bell", "mem://bell", null);
        try (Worker worker = rag.newWorker("w-bell", 1, IngestionListener.NONE)) {
            worker.start();
            Thread.sleep(200); // its first look found nothing: it now waits up to a minute

            long start = System.nanoTime();
            rag.requestIngestion(project.id());
            while (rag.status(project.id()).status() != JobStatus.READY) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("READY long before the next poll")
                        .isLessThan(Duration.ofSeconds(10));
                Thread.sleep(10);
            }
        }
    }

    @Test
    void aJobAnotherProcessEnqueuesWakesAnIdleWorkerThroughTheQueueWatch() throws InterruptedException {
        RagSettings slowPolls = RagSettings.builder().batch(new BatchPolicy(4, 100_000, Duration.ZERO, 1))
                .pollInterval(Duration.ofSeconds(60)).progressInterval(Duration.ZERO).build();
        SharedQueueRepository queue = new SharedQueueRepository(jobs);
        RepoRag working = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(queue)
                .conversations(new InMemoryConversationRepository()).settings(slowPolls).build();
        RepoRag enqueuing = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(queue)
                .conversations(new InMemoryConversationRepository()).settings(slowPolls).build();
        opened.add(working);
        opened.add(enqueuing);
        source.commit("mem://watched", files(2));
        Project project = enqueuing.register("watched", "mem://watched", null);
        Worker worker = working.newWorker("w-watch", 1, IngestionListener.NONE);
        worker.start();
        assertThat(queue.watchers).hasSize(1);
        Thread.sleep(200); // its first look found nothing: it now waits up to a minute

        enqueuing.requestIngestion(project.id()); // rings the other process's bell, not this one's
        Thread.sleep(300);
        assertThat(working.status(project.id()).status()).as("no notification yet: still waiting for the poll")
                .isEqualTo(JobStatus.PENDING);
        long start = System.nanoTime();
        queue.notifyQueued();
        while (working.status(project.id()).status() != JobStatus.READY) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("READY long before the next poll")
                    .isLessThan(Duration.ofSeconds(10));
            Thread.sleep(10);
        }
        worker.close();
        assertThat(queue.closedWatchers).as("a stopped worker stops watching").containsExactlyElementsOf(queue.watchers);
    }

    @Test
    void aPendingProjectSaysWhetherAWorkerIsComing() {
        RepoRag rag = rag(embedder, jobs);
        source.commit("mem://a", files(1));
        Project project = rag.register("a", "mem://a", null);
        assertThat(rag.status(project.id()).waitingFor()).contains("not queued: no ingestion has been requested yet");
        rag.requestIngestion(project.id());
        assertThat(rag.status(project.id()).waitingFor())
                .contains("queued; waiting for a worker — none has been seen yet");

        // A worker that polls is noted alive; its next claim takes the job.
        Worker worker = rag.newWorker("w-1", 1, IngestionListener.NONE);
        rag.requestIngestion(rag.register("b", "mem://b", null).id()); // queued after a
        assertThat(worker.runOnce()).isPresent();
        assertThat(rag.statuses()).filteredOn(s -> s.status() == JobStatus.PENDING)
                .singleElement().satisfies(s -> assertThat(s.waitingFor())
                        .contains("queued; a worker is running and will start it"));
        assertThat(rag.status(project.id()).waitingFor()).as("READY waits for nothing").isEmpty();
    }

    @Test
    void aScheduledRunTellsWhenTheNextOneIsDue() {
        RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(settings)
                .scheduledRunInterval(Duration.ofMinutes(15)).build();
        opened.add(rag);
        Project project = rag.register("a", "mem://a", null);
        rag.requestIngestion(project.id());

        rag.runStarted();

        assertThat(jobs.workersLastSeen()).containsKey(dev.reporag.core.model.WorkerKind.RUN);
        assertThat(rag.status(project.id()).waitingFor()).get().asString()
                .startsWith("queued; next scheduled run at ").endsWith(" (every 15 min)");
    }

    @Test
    void concurrentRequestsForOneProjectMakeOneJob() throws Exception {
        RepoRag rag = rag(embedder, jobs);
        source.commit("mem://a", files(2));
        Project project = rag.register("a", "mem://a", null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IngestionJob>> results = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return rag.requestIngestion(project.id());
            }));
        }
        start.countDown();
        Set<Object> ids = ConcurrentHashMap.newKeySet();
        for (Future<IngestionJob> result : results) {
            ids.add(result.get(10, TimeUnit.SECONDS).id());
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
    }

    @Test
    void twoWorkersShareTheQueueWithoutRunningAJobTwice() throws Exception {
        RepoRag rag = rag(embedder, jobs);
        List<Project> projects = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            source.commit("mem://p" + p, files(3));
            projects.add(rag.register("p" + p, "mem://p" + p, null));
            rag.requestIngestion(projects.get(p).id());
        }
        List<String> started = new CopyOnWriteArrayList<>();
        IngestionListener recorder = new IngestionListener() {
            @Override
            public void onCommit(IngestionJob job, String commit) {
                started.add(job.id().value());
            }
        };
        try (Worker first = rag.newWorker("first", 2, recorder); Worker second = rag.newWorker("second", 2, recorder)) {
            first.start();
            second.start();
            awaitAll(rag, projects, JobStatus.READY);
        }
        assertThat(started).hasSize(12).doesNotHaveDuplicates();
        for (Project project : projects) {
            assertThat(store.count(project.id())).isEqualTo(3);
        }
    }

    @Test
    void aFailingProjectDoesNotStopTheWorker() throws Exception {
        RepoRag rag = rag(embedder, jobs);
        source.commit("mem://good", files(2));
        Project bad = rag.register("bad", "mem://missing", null);
        Project good = rag.register("good", "mem://good", null);
        rag.requestIngestion(bad.id());
        rag.requestIngestion(good.id());

        try (Worker worker = rag.newWorker("w", 1, IngestionListener.NONE)) {
            worker.start();
            awaitAll(rag, List.of(good), JobStatus.READY);
        }
        ProjectStatus failed = rag.status(bad.id());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).contains("repository not found: mem://missing");
    }

    @Test
    void aJobWhoseWorkerVanishedIsTakenOverAfterTheLease() throws Exception {
        RepoRag rag = rag(embedder, jobs);
        source.commit("mem://a", files(4));
        Project project = rag.register("a", "mem://a", null);
        IngestionJob job = rag.requestIngestion(project.id());
        // A worker claims the job and dies without a word: no heartbeat, no release.
        jobs.claim("dead-worker", Instant.now(), settings.lease(), settings.maxAttempts()).orElseThrow();

        try (Worker worker = rag.newWorker("rescuer", 1, IngestionListener.NONE)) {
            worker.start();
            awaitAll(rag, List.of(project), JobStatus.READY);
        }
        IngestionJob done = rag.job(job.id()).orElseThrow();
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(store.count(project.id())).isEqualTo(4);
    }

    @Test
    void aJobThatKeepsLosingItsWorkerEndsFailed() {
        RepoRag rag = rag(embedder, jobs);
        source.commit("mem://a", files(1));
        Project project = rag.register("a", "mem://a", null);
        IngestionJob job = rag.requestIngestion(project.id());
        Instant now = Instant.now();
        for (int i = 0; i < settings.maxAttempts(); i++) {
            jobs.claim("crashing-" + i, now, settings.lease(), settings.maxAttempts()).orElseThrow();
            now = now.plus(settings.lease()).plusMillis(1);
        }

        assertThat(jobs.claim("next", now, settings.lease(), settings.maxAttempts())).isEmpty();
        IngestionJob failed = rag.job(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).startsWith("gave up after 3 attempts");
    }

    @Test
    void aWorkerThatLosesItsLeaseStopsWorking() {
        // The first embedding call outlasts the lease while the heartbeat cannot renew it.
        JobRepository forgetful = new LeaseDroppingRepository(jobs);
        CountDownLatch release = new CountDownLatch(1);
        Embedder slow = new Embedder() {
            public String modelId() { return embedder.modelId(); }
            public int dimension() { return embedder.dimension(); }
            public int maxInputChars() { return embedder.maxInputChars(); }
            public List<float[]> embedAll(List<String> texts) {
                try {
                    release.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return embedder.embedAll(texts);
            }
        };
        RepoRag rag = rag(slow, forgetful);
        source.commit("mem://a", files(6));
        Project project = rag.register("a", "mem://a", null);
        IngestionJob job = rag.requestIngestion(project.id());

        IngestionJob result = rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();

        assertThat(result.status()).isEqualTo(JobStatus.PROCESSING); // left to whoever takes it over
        assertThat(store.count(project.id())).isLessThan(6);
    }

    @Test
    void stoppingAWorkerGivesItsJobBack() throws Exception {
        CountDownLatch embedding = new CountDownLatch(1);
        Embedder slow = new Embedder() {
            public String modelId() { return embedder.modelId(); }
            public int dimension() { return embedder.dimension(); }
            public int maxInputChars() { return embedder.maxInputChars(); }
            public List<float[]> embedAll(List<String> texts) {
                embedding.countDown();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return embedder.embedAll(texts);
            }
        };
        RepoRag rag = rag(slow, jobs);
        source.commit("mem://a", files(40));
        Project project = rag.register("a", "mem://a", null);
        IngestionJob job = rag.requestIngestion(project.id());
        Worker worker = rag.newWorker("w", 1, IngestionListener.NONE);
        worker.start();
        assertThat(embedding.await(5, TimeUnit.SECONDS)).isTrue();

        worker.stop(Duration.ofSeconds(5));

        IngestionJob stopped = rag.job(job.id()).orElseThrow();
        assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.count(project.id())).isLessThan(40);
    }

    private static void awaitAll(RepoRag rag, List<Project> projects, JobStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (projects.stream().allMatch(p -> rag.status(p.id()).status() == status)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("projects did not all reach " + status + ": "
                + projects.stream().map(p -> rag.status(p.id()).status()).toList());
    }

    /** A job repository whose lease renewals fail, as when another worker took the job over. */
    private static final class LeaseDroppingRepository extends DelegatingRepository {
        LeaseDroppingRepository(JobRepository delegate) {
            super(delegate);
        }

        @Override
        public boolean renew(dev.reporag.core.model.JobId j, String w, Instant n, Duration l) { return false; }
    }

    /**
     * The queue of several processes: each RepoRag over it rings only its own bell, and the test plays
     * the notification a shared database sends (the watch a worker starts and stops).
     */
    private static final class SharedQueueRepository extends DelegatingRepository {
        final List<Runnable> watchers = new CopyOnWriteArrayList<>();
        final List<Runnable> closedWatchers = new CopyOnWriteArrayList<>();

        SharedQueueRepository(JobRepository delegate) {
            super(delegate);
        }

        @Override
        public Watch watchQueue(Runnable onQueued) {
            watchers.add(onQueued);
            return () -> closedWatchers.add(onQueued);
        }

        void notifyQueued() {
            watchers.forEach(Runnable::run);
        }
    }

    private static class DelegatingRepository implements JobRepository {
        private final JobRepository delegate;

        DelegatingRepository(JobRepository delegate) {
            this.delegate = delegate;
        }

        public void saveProject(Project p) { delegate.saveProject(p); }
        public java.util.Optional<Project> project(dev.reporag.core.model.ProjectId id) { return delegate.project(id); }
        public java.util.Optional<Project> projectByName(String n) { return delegate.projectByName(n); }
        public List<Project> projects() { return delegate.projects(); }
        public void deleteProject(dev.reporag.core.model.ProjectId id) { delegate.deleteProject(id); }
        public IngestionJob enqueue(dev.reporag.core.model.ProjectId p, Instant now) { return delegate.enqueue(p, now); }
        public java.util.Optional<IngestionJob> job(dev.reporag.core.model.JobId id) { return delegate.job(id); }
        public java.util.Optional<IngestionJob> latestJob(dev.reporag.core.model.ProjectId p) { return delegate.latestJob(p); }
        public java.util.Optional<IngestionJob> latestReadyJob(dev.reporag.core.model.ProjectId p) { return delegate.latestReadyJob(p); }
        public java.util.Optional<IngestionJob> claim(String w, Instant n, Duration l, int m) { return delegate.claim(w, n, l, m); }
        public java.util.Optional<IngestionJob> claimJob(dev.reporag.core.model.JobId j, String w, Instant n, Duration l) { return delegate.claimJob(j, w, n, l); }
        public boolean renew(dev.reporag.core.model.JobId j, String w, Instant n, Duration l) { return delegate.renew(j, w, n, l); }
        public boolean saveProgress(dev.reporag.core.model.JobId j, String w, dev.reporag.core.model.Progress p, String c, Instant n) { return delegate.saveProgress(j, w, p, c, n); }
        public boolean finish(dev.reporag.core.model.JobId j, String w, dev.reporag.core.model.JobOutcome o, Instant n) { return delegate.finish(j, w, o, n); }
        public boolean release(dev.reporag.core.model.JobId j, String w, Instant n) { return delegate.release(j, w, n); }
        public void saveSkippedFiles(dev.reporag.core.model.ProjectId p, dev.reporag.core.model.SkippedFiles s) { delegate.saveSkippedFiles(p, s); }
        public java.util.Optional<dev.reporag.core.model.SkippedFiles> skippedFiles(dev.reporag.core.model.ProjectId p) { return delegate.skippedFiles(p); }
        public void saveRemoteHead(dev.reporag.core.model.ProjectId p, dev.reporag.core.model.RemoteHead h) { delegate.saveRemoteHead(p, h); }
        public java.util.Optional<dev.reporag.core.model.RemoteHead> remoteHead(dev.reporag.core.model.ProjectId p) { return delegate.remoteHead(p); }
        public void saveAnswerTime(String k, dev.reporag.core.model.AnswerTime t) { delegate.saveAnswerTime(k, t); }
        public java.util.Optional<dev.reporag.core.model.AnswerTime> answerTime(String k) { return delegate.answerTime(k); }
        public void workerSeen(dev.reporag.core.model.WorkerKind k, Instant n) { delegate.workerSeen(k, n); }
        public java.util.Map<dev.reporag.core.model.WorkerKind, Instant> workersLastSeen() { return delegate.workersLastSeen(); }
        public java.util.Map<dev.reporag.core.model.JobStatus, Long> finishedJobs() { return delegate.finishedJobs(); }
    }
}

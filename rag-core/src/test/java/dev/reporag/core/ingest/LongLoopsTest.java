package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long loops of a job besides embedding (which IngestionTest covers): the open (a clone or
 * fetch) and the walk over the file listing stop promptly when cancelled, and the job resumes;
 * cancelling never interrupts a store write (an interrupted NIO write closes a Lucene index).
 * The source here is the in-memory one, observed through a thin decorator that can hold an open
 * back the way a slow clone would, or "fetch" with progress until its monitor says cancelled.
 */
class LongLoopsTest {
    private static final String REPO = "mem://big";
    private final InMemoryRepositorySource memory = new InMemoryRepositorySource();
    private final Observed source = new Observed(memory);
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore memoryStore = new InMemoryVectorStore(embedder.dimension());
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final RagSettings settings = RagSettings.builder()
            .batch(new BatchPolicy(10, 100_000, Duration.ZERO, 2))
            .lease(Duration.ofSeconds(5))
            .progressInterval(Duration.ZERO)
            .build();
    private RepoRag rag = build(memoryStore);

    private RepoRag build(VectorStore store) {
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(settings).build();
    }

    @AfterEach
    void close() {
        source.openGate.countDown();
        rag.close();
    }

    private static Map<String, String> files(int count, String variant) {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            files.put("src/F" + i + ".java", "class F" + i + " {\n    int v() { return " + i + "; } // " + variant + "\n}\n");
        }
        return files;
    }

    @Test
    void aCancelledOpenGivesTheJobBackAtOnceAndClosesTheLateSnapshot() throws Exception {
        memory.commit(REPO, files(20, "a"));
        Project project = rag.register("big", REPO, null);
        IngestionJob job = rag.requestIngestion(project.id());
        source.holdOpen();
        Cancellation cancellation = new Cancellation();

        CompletableFuture<IngestionJob> running = CompletableFuture.supplyAsync(
                () -> rag.process(job.id(), "w", cancellation, IngestionListener.NONE).orElseThrow());
        assertThat(source.openEntered.await(10, TimeUnit.SECONDS)).isTrue();
        long cancelledAt = System.nanoTime();
        cancellation.cancel();
        IngestionJob stopped = running.get(10, TimeUnit.SECONDS);

        assertThat((System.nanoTime() - cancelledAt) / 1_000_000).as("ms from cancel to PENDING").isLessThan(2_000);
        assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
        assertThat(stopped.leaseOwner()).isNull();
        assertThat(source.closed.get()).isZero(); // the open is still running

        source.openGate.countDown(); // the slow open ends: its snapshot is closed unused
        waitFor(() -> source.closed.get() == 1);
        assertThat(memory.reads()).isZero();

        IngestionJob resumed = rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
        assertThat(resumed.status()).isEqualTo(JobStatus.READY);
        assertThat(resumed.progress().filesDone()).isEqualTo(20);
    }

    @Test
    void aCancelledFetchStopsTheFetchingThreadAndGivesTheJobBack() throws Exception {
        memory.commit(REPO, files(20, "a"));
        Project project = rag.register("big", REPO, null);
        IngestionJob job = rag.requestIngestion(project.id());
        source.fetchUntilCancelled = true;
        Cancellation cancellation = new Cancellation();
        List<String> heard = new CopyOnWriteArrayList<>();
        IngestionListener listener = new IngestionListener() {
            @Override
            public void onFetchProgress(IngestionJob j, String task, long done, long total) {
                heard.add(task + " " + done + "/" + total);
                if (done == 3) {
                    // Cancelled from inside the fetch: the source then fails at once, and that
                    // failure must not make the job FAILED.
                    cancellation.cancel();
                }
            }
        };

        IngestionJob stopped = rag.process(job.id(), "w", cancellation, listener).orElseThrow();

        assertThat(stopped.status()).as(String.valueOf(stopped.error())).isEqualTo(JobStatus.PENDING);
        assertThat(stopped.error()).isNull();
        assertThat(stopped.leaseOwner()).isNull();
        assertThat(source.fetchEnded.await(2, TimeUnit.SECONDS)).as("the fetching thread ended").isTrue();
        assertThat(source.fetchSawCancel).isTrue();
        assertThat(heard).containsExactly("Receiving objects 0/1000", "Receiving objects 1/1000",
                "Receiving objects 2/1000", "Receiving objects 3/1000");

        source.fetchUntilCancelled = false;
        IngestionJob resumed = rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
        assertThat(resumed.status()).isEqualTo(JobStatus.READY);
    }

    @Test
    void aCancelWhileTheSourceFetchesReachesItsMonitor() throws Exception {
        memory.commit(REPO, files(20, "a"));
        Project project = rag.register("big", REPO, null);
        IngestionJob job = rag.requestIngestion(project.id());
        source.fetchUntilCancelled = true;
        Cancellation cancellation = new Cancellation();

        CompletableFuture<IngestionJob> running = CompletableFuture.supplyAsync(
                () -> rag.process(job.id(), "w", cancellation, IngestionListener.NONE).orElseThrow());
        assertThat(source.openEntered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        cancellation.cancel();

        assertThat(running.get(2, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.PENDING);
        assertThat(source.fetchEnded.await(2, TimeUnit.SECONDS)).as("the fetching thread ended").isTrue();
        assertThat(source.fetchSawCancel).isTrue();
    }

    @Test
    void aCancelledWalkStopsBeforeTheListingEndsAndReadsNothing() {
        memory.commit(REPO, files(200, "a"));
        Project project = rag.register("big", REPO, null);
        IngestionJob job = rag.requestIngestion(project.id());
        Cancellation cancellation = new Cancellation();
        source.onListed = listed -> {
            if (listed == 50) {
                cancellation.cancel();
            }
        };

        IngestionJob stopped = rag.process(job.id(), "w", cancellation, IngestionListener.NONE).orElseThrow();

        assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
        assertThat(source.listed.get()).as("entries listed before stopping").isLessThan(60);
        assertThat(memory.reads()).isZero();
        assertThat(embedder.calls()).isZero();

        source.onListed = listed -> { };
        IngestionJob resumed = rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
        assertThat(resumed.status()).isEqualTo(JobStatus.READY);
        assertThat(resumed.progress().filesDone()).isEqualTo(200);
        assertThat(memoryStore.count(project.id())).isEqualTo(200);
    }

    @Test
    void aStoreThatHandsOutUnmodifiableIdSetsReconcilesToo() {
        rag.close();
        rag = build(new UnmodifiableIds(memoryStore));
        memory.commit(REPO, files(30, "a"));
        Project project = rag.register("big", REPO, null);
        assertThat(ingest(project).status()).isEqualTo(JobStatus.READY);

        Map<String, String> changed = files(30, "a");
        changed.put("src/F3.java", "class F3 {\n    int v() { return -3; }\n}\n");
        changed.remove("src/F4.java");
        memory.commit(REPO, changed);
        IngestionJob second = ingest(project);

        assertThat(second.status()).as(String.valueOf(second.error())).isEqualTo(JobStatus.READY);
        assertThat(memoryStore.count(project.id())).isEqualTo(29);
        assertThat(second.progress().chunksEmbedded()).isEqualTo(1);

        memory.commit("mem://other", files(30, "a"));
        rag.close();
        rag = build(new UnmodifiableIds(memoryStore));
        Project other = rag.register("other", "mem://other", null);
        // A first index: the full reconcile path, which removes from the project's whole id set.
        IngestionJob full = ingest(other);
        assertThat(full.status()).as(String.valueOf(full.error())).isEqualTo(JobStatus.READY);
    }

    @Test
    void cancellingNeverInterruptsAStoreWrite() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger finishedWrites = new AtomicInteger();
        rag.close();
        rag = build(new SlowWrites(memoryStore, writing, interrupted, finishedWrites));
        memory.commit(REPO, files(40, "a"));
        Project project = rag.register("big", REPO, null);
        IngestionJob job = rag.requestIngestion(project.id());
        Cancellation cancellation = new Cancellation();

        CompletableFuture<IngestionJob> running = CompletableFuture.supplyAsync(
                () -> rag.process(job.id(), "w", cancellation, IngestionListener.NONE).orElseThrow());
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        cancellation.cancel();

        assertThat(running.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.PENDING);
        waitFor(() -> finishedWrites.get() >= 1);
        assertThat(interrupted).as("a store write was interrupted").isFalse();
    }

    private IngestionJob ingest(Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    /** The in-memory source, observed: opens can be held back, listed entries and closes are counted. */
    private static final class Observed implements RepositorySource {
        private final RepositorySource delegate;
        final CountDownLatch openEntered = new CountDownLatch(1);
        volatile CountDownLatch openGate = new CountDownLatch(0);
        final AtomicInteger listed = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile java.util.function.IntConsumer onListed = n -> { };
        private final AtomicBoolean held = new AtomicBoolean();
        /** Opens then "fetch" like a slow clone: progress every 5 ms until the monitor cancels. */
        volatile boolean fetchUntilCancelled;
        final CountDownLatch fetchEnded = new CountDownLatch(1);
        volatile boolean fetchSawCancel;

        Observed(RepositorySource delegate) {
            this.delegate = delegate;
        }

        void holdOpen() {
            openGate = new CountDownLatch(1);
            held.set(true);
        }

        @Override
        public Snapshot open(Project project, FetchMonitor monitor) {
            if (!fetchUntilCancelled) {
                return open(project);
            }
            openEntered.countDown();
            try {
                // Bounded, so a monitor that never cancels lets the open end (and the test fail).
                for (int done = 0; done < 1000; done++) {
                    if (monitor.isCancelled()) {
                        fetchSawCancel = true;
                        throw new SourceException("fetching " + project.source() + " was cancelled");
                    }
                    monitor.onFetchProgress("Receiving objects", done, 1000);
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                fetchEnded.countDown();
            }
            return open(project);
        }

        @Override
        public Snapshot open(Project project) {
            openEntered.countDown();
            if (held.getAndSet(false)) {
                try {
                    openGate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Snapshot late = delegate.open(project);
                return new Snapshot() {
                    public String commit() {
                        return late.commit();
                    }

                    public Stream<SourceFile> files() {
                        return late.files();
                    }

                    public byte[] read(SourceFile file) {
                        return late.read(file);
                    }

                    public Optional<ChangeSet> changesSince(String earlierCommit) {
                        return late.changesSince(earlierCommit);
                    }

                    public void close() {
                        closed.incrementAndGet();
                        late.close();
                    }
                };
            }
            Snapshot snapshot = delegate.open(project);
            return new Snapshot() {
                public String commit() {
                    return snapshot.commit();
                }

                public Stream<SourceFile> files() {
                    return snapshot.files().peek(f -> onListed.accept(listed.incrementAndGet()));
                }

                public byte[] read(SourceFile file) {
                    return snapshot.read(file);
                }

                public Optional<ChangeSet> changesSince(String earlierCommit) {
                    return snapshot.changesSince(earlierCommit);
                }

                public void close() {
                    snapshot.close();
                }
            };
        }

        @Override
        public void validate(String source) {
            delegate.validate(source);
        }
    }

    /** A store that, like some real ones, returns unmodifiable id sets. */
    private record UnmodifiableIds(VectorStore delegate) implements VectorStore {

        public dev.reporag.core.model.EmbeddingModel model() {
            return delegate.model();
        }

        public Set<String> heldKeys(Collection<String> keys) {
            return delegate.heldKeys(keys);
        }

        public dev.reporag.core.model.ProjectModels models(ProjectId project) {
            return delegate.models(project);
        }

        public void requestModel(ProjectId project) {
            delegate.requestModel(project);
        }

        public void activate(ProjectId project) {
            delegate.activate(project);
        }
        public void upsert(List<EmbeddedChunk> chunks) {
            delegate.upsert(chunks);
        }


        public Map<String, String> chunkKeys(ProjectId project) {
            return Map.copyOf(delegate.chunkKeys(project));
        }

        public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
            return Map.copyOf(delegate.chunkKeys(project, paths));
        }

        public void delete(ProjectId project, Collection<String> chunkIds) {
            delegate.delete(project, chunkIds);
        }

        public void deletePaths(ProjectId project, Collection<String> paths) {
            delegate.deletePaths(project, paths);
        }

        public void deleteProject(ProjectId project) {
            delegate.deleteProject(project);
        }

        public long count(ProjectId project) {
            return delegate.count(project);
        }

        public long copyChunks(ProjectId from, ProjectId to) {
            return delegate.copyChunks(from, to);
        }

        public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
            return delegate.vectorSearch(project, query, k);
        }

        public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
            return delegate.keywordSearch(project, query, k);
        }
    }

    /** Writes that take a while, noting whether anything interrupted them. */
    private record SlowWrites(VectorStore delegate, CountDownLatch writing, AtomicBoolean interrupted,
                              AtomicInteger finished) implements VectorStore {

        public dev.reporag.core.model.EmbeddingModel model() {
            return delegate.model();
        }

        public Set<String> heldKeys(Collection<String> keys) {
            return delegate.heldKeys(keys);
        }

        public dev.reporag.core.model.ProjectModels models(ProjectId project) {
            return delegate.models(project);
        }

        public void requestModel(ProjectId project) {
            delegate.requestModel(project);
        }

        public void activate(ProjectId project) {
            delegate.activate(project);
        }
        public void upsert(List<EmbeddedChunk> chunks) {
            writing.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
            }
            delegate.upsert(chunks);
            finished.incrementAndGet();
        }


        public Map<String, String> chunkKeys(ProjectId project) {
            return delegate.chunkKeys(project);
        }

        public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
            return delegate.chunkKeys(project, paths);
        }

        public void delete(ProjectId project, Collection<String> chunkIds) {
            delegate.delete(project, chunkIds);
        }

        public void deletePaths(ProjectId project, Collection<String> paths) {
            delegate.deletePaths(project, paths);
        }

        public void deleteProject(ProjectId project) {
            delegate.deleteProject(project);
        }

        public long count(ProjectId project) {
            return delegate.count(project);
        }

        public long copyChunks(ProjectId from, ProjectId to) {
            return delegate.copyChunks(from, to);
        }

        public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
            return delegate.vectorSearch(project, query, k);
        }

        public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
            return delegate.keywordSearch(project, query, k);
        }
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.TextChunk;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs one claimed job through the pipeline: resolve the commit, stream files, filter, chunk,
 * reconcile against what is stored, embed in batches, store, and end READY or FAILED. Stored
 * chunks are the checkpoint: a resumed job skips them. After a READY job, only the files changed
 * since its commit are read again.
 */
public final class JobProcessor {
    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Room left in each embedder input for the path header. */
    private static final int HEADER_BUDGET = 200;

    private final RepositorySource source;
    private final Embedder embedder;
    private final VectorStore store;
    private final JobRepository jobs;
    private final RagSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;
    private final Chunker chunker;

    public JobProcessor(RepositorySource source, Embedder embedder, VectorStore store, JobRepository jobs,
                        RagSettings settings, Clock clock, ScheduledExecutorService heartbeats) {
        this.source = source;
        this.embedder = embedder;
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
        this.heartbeats = heartbeats;
        this.chunker = chunkerFor(settings, embedder);
    }

    /** Chunks fit both the configured size and what the embedder reads in full. */
    static Chunker chunkerFor(RagSettings settings, Embedder embedder) {
        int limit = embedder.maxInputChars() - Math.min(HEADER_BUDGET, embedder.maxInputChars() / 5);
        int size = Math.max(50, Math.min(settings.chunkSize(), limit));
        int overlap = Math.min(settings.chunkOverlap(), size / 4);
        return new Chunker(size, overlap);
    }

    /** The text sent to the embedder: a short header naming the file, then the exact chunk. */
    static String embedText(Chunk chunk) {
        return embedText(chunk, "");
    }

    /**
     * The header also names the class or function the chunk sits in ({@code enclosing}, may be
     * empty), which the chunk itself often does not show; stored text and citations stay exact.
     */
    static String embedText(Chunk chunk, String enclosing) {
        String header = chunk.path() + " (" + chunk.language() + ")";
        return (enclosing.isEmpty() ? header : header + " " + enclosing) + "\n" + chunk.text();
    }

    /**
     * Processes a job this worker has claimed, renewing its lease meanwhile. Returns the job as it
     * ends: READY, FAILED, PENDING again when cancelled, or as left when the lease was lost.
     */
    public IngestionJob process(IngestionJob job, String worker, Cancellation cancellation,
                                IngestionListener listener) {
        long period = Math.max(100, settings.lease().toMillis() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!jobs.renew(job.id(), worker, clock.instant(), settings.lease())) {
                    log.warn("job {} lost its lease; stopping", job.id());
                    cancellation.leaseLost();
                }
            } catch (RuntimeException e) {
                // A short database outage must not kill the job; the lease covers several periods.
                log.warn("could not renew the lease of job {}: {}", job.id(), e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try {
            Run run = new Run(job, worker, cancellation, listener);
            Progress progress = run.execute();
            heartbeat.cancel(false);
            finish(job, worker, new JobOutcome.Ready(run.commit, progress));
        } catch (Cancellation.CancelledException e) {
            heartbeat.cancel(false);
            if (!cancellation.isLeaseLost()) {
                jobs.release(job.id(), worker, clock.instant());
                log.info("job {} stopped; it will resume from what is stored", job.id());
            }
        } catch (RagException e) {
            heartbeat.cancel(false);
            log.warn("job {} failed: {}", job.id(), e.getMessage());
            finish(job, worker, new JobOutcome.Failed(e.getMessage()));
        } catch (RuntimeException e) {
            heartbeat.cancel(false);
            log.error("job {} failed unexpectedly", job.id(), e);
            finish(job, worker, new JobOutcome.Failed("unexpected error (" + e.getClass().getSimpleName()
                    + "); see the worker log for details"));
        } finally {
            heartbeat.cancel(false);
        }
        return jobs.job(job.id()).orElse(job);
    }

    private void finish(IngestionJob job, String worker, JobOutcome outcome) {
        if (!jobs.finish(job.id(), worker, outcome, clock.instant())) {
            log.warn("job {} was taken over or deleted before it finished; its result is dropped", job.id());
        }
    }

    /** The state of one run; used by one thread, except the batches it hands out. */
    private final class Run {
        private final IngestionJob job;
        private final String worker;
        private final Cancellation cancellation;
        private final IngestionListener listener;
        private final FileFilter filter = settings.fileFilter();
        private String commit;
        private int filesTotal;
        private int filesDone;
        private int filesSkipped;
        private long chunksTotal;
        private long chunksDone;
        private long chunksEmbedded;
        private long bytesTotal;
        private long bytesDone;
        private final int percentFloor;
        private Instant lastSave = Instant.EPOCH;

        Run(IngestionJob job, String worker, Cancellation cancellation, IngestionListener listener) {
            this.job = job;
            this.worker = worker;
            this.cancellation = cancellation;
            this.listener = listener;
            this.percentFloor = job.progress().percent();
        }

        Progress execute() {
            Project project = jobs.project(job.projectId())
                    .orElseThrow(() -> new StoreException("the project was deleted"));
            try (Snapshot snapshot = source.open(project)) {
                cancellation.throwIfCancelled();
                commit = snapshot.commit();
                listener.onCommit(job, commit);
                Optional<ChangeSet> changes = jobs.latestReadyJob(project.id())
                        .map(IngestionJob::commit)
                        .flatMap(previous -> previous.equals(commit)
                                ? Optional.of(new ChangeSet(Set.of(), Set.of()))
                                : snapshot.changesSince(previous));
                changes.ifPresent(c -> log.info("job {}: {} changed and {} deleted paths since the last index",
                        job.id(), c.changed().size(), c.deleted().size()));
                count(snapshot, changes);
                save(true);
                Set<String> stored = changes.isPresent()
                        ? store.chunkIds(project.id(), changes.get().changed())
                        : store.chunkIds(project.id());
                changes.ifPresent(c -> {
                    if (!c.deleted().isEmpty()) {
                        store.deletePaths(project.id(), c.deleted());
                    }
                });
                index(snapshot, changes, stored);
                if (!stored.isEmpty()) {
                    // What is left was not seen again: chunks of deleted or changed files.
                    store.delete(project.id(), stored);
                }
                long inStore = store.count(project.id());
                return progress(inStore);
            }
        }

        /** First pass, on metadata only: the totals that make the percentage honest from the start. */
        private void count(Snapshot snapshot, Optional<ChangeSet> changes) {
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                while (it.hasNext()) {
                    SourceFile file = it.next();
                    Optional<SkippedFile> skipped = filter.checkPath(file);
                    if (skipped.isPresent()) {
                        filesSkipped++;
                        listener.onSkipped(job, skipped.get());
                    } else {
                        filesTotal++;
                        if (inScope(file, changes)) {
                            bytesTotal += file.size();
                        } else {
                            filesDone++;
                        }
                    }
                }
            }
        }

        private boolean inScope(SourceFile file, Optional<ChangeSet> changes) {
            return changes.isEmpty() || changes.get().changed().contains(file.path());
        }

        /** Second pass: read, chunk, reconcile and embed one file at a time. */
        private void index(Snapshot snapshot, Optional<ChangeSet> changes, Set<String> stored) {
            ExecutorService pool = Executors.newFixedThreadPool(settings.batch().concurrency(), runnable -> {
                Thread thread = new Thread(runnable, "rag-embed-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            EmbeddingBatcher batcher = new EmbeddingBatcher(embedder, store, settings.batch(), settings.retry(),
                    pool, cancellation, (chunks, bytes) -> {
                        chunksDone += chunks;
                        chunksEmbedded += chunks;
                        bytesDone += bytes;
                        save(chunks > 0);
                    });
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                while (it.hasNext()) {
                    SourceFile file = it.next();
                    if (filter.checkPath(file).isPresent() || !inScope(file, changes)) {
                        continue;
                    }
                    cancellation.throwIfCancelled();
                    indexFile(snapshot, file, stored, batcher);
                }
                batcher.finish();
            } catch (RuntimeException e) {
                batcher.abandon();
                throw e;
            } finally {
                pool.shutdownNow();
            }
        }

        private void indexFile(Snapshot snapshot, SourceFile file, Set<String> stored, EmbeddingBatcher batcher) {
            FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
            if (!decoded.isText()) {
                filesSkipped++;
                filesTotal--;
                listener.onSkipped(job, decoded.skipped());
                batcher.fileDone(file.size());
                return;
            }
            List<TextChunk> pieces = chunker.split(decoded.text());
            List<String> enclosing = Chunker.enclosingDeclarations(decoded.text(), file.language(), pieces);
            for (int i = 0; i < pieces.size(); i++) {
                TextChunk piece = pieces.get(i);
                Chunk chunk = Chunk.of(job.projectId(), file.path(), file.language(), piece.startLine(),
                        piece.endLine(), piece.text());
                chunksTotal++;
                if (stored.remove(chunk.id())) {
                    chunksDone++;
                } else {
                    batcher.add(chunk, embedText(chunk, enclosing.get(i)));
                }
            }
            filesDone++;
            batcher.fileDone(file.size());
            save(false);
        }

        private Progress progress(long inStore) {
            int percent = bytesTotal == 0 ? 0 : (int) Math.min(99, bytesDone * 99 / bytesTotal);
            long total = inStore >= 0 ? inStore : chunksTotal;
            long done = inStore >= 0 ? inStore : chunksDone;
            return new Progress(filesTotal, Math.min(filesDone, filesTotal), filesSkipped, Math.max(total, done),
                    done, chunksEmbedded, Math.max(percentFloor, percent));
        }

        /** Saves progress after each batch, and at most every progress interval otherwise. */
        private void save(boolean force) {
            Instant now = clock.instant();
            if (!force && Duration.between(lastSave, now).compareTo(settings.progressInterval()) < 0) {
                return;
            }
            lastSave = now;
            Progress progress = progress(-1);
            if (!jobs.saveProgress(job.id(), worker, progress, commit, now)) {
                cancellation.leaseLost();
                throw new Cancellation.CancelledException();
            }
            listener.onProgress(job, progress);
        }
    }
}

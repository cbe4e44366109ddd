package dev.reporag.core.ingest;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs one claimed job through the pipeline: resolve the commit, stream files, filter, chunk,
 * reconcile against what is stored, embed in batches, store, and end READY or FAILED. Stored
 * chunks are the checkpoint: a resumed job skips them. After a READY job, only the files changed
 * since its commit are read again.
 *
 * <p>Files are read, decoded and chunked a few at a time on {@link #PREPARE_THREADS} threads, ahead
 * of the job thread, which takes them in listing order (so progress and checkpoints stay ordered),
 * reconciles, hands new chunks to the process's {@link EmbeddingDispatcher} (which owns request
 * shaping, pacing, concurrency and retries for every job) and stores their vectors as they come
 * back, at most {@link #WINDOW_PER_SENDER} requests per sender ahead. At most a small window of
 * files is held at once, so memory does not grow with the repository.
 */
public final class JobProcessor {
    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Threads that read and chunk files ahead of the job thread: the cores, at most four. */
    static final int PREPARE_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Files prepared ahead per thread: enough to keep them busy, small enough to stay flat. */
    private static final int AHEAD_PER_THREAD = 4;
    /** A walk over the listing shorter than this reports no partial totals. */
    private static final Duration QUIET_WALK = Duration.ofSeconds(5);
    /** A clone shorter than this logs no progress; a longer one logs a line this often. */
    private static final Duration FETCH_LOG_INTERVAL = Duration.ofSeconds(10);
    /** Requests of one job queued or in flight, per request the dispatcher sends at once. */
    static final int WINDOW_PER_SENDER = 2;
    /** Rules applied to content: a file left out by one stays out while it is unchanged. */
    private static final Set<SkipReason> READ_REASONS = EnumSet.of(SkipReason.BINARY, SkipReason.LFS_POINTER,
            SkipReason.UNREADABLE, SkipReason.EMPTY, SkipReason.TOO_LARGE);
    /** Room left in each embedder input for the path header. */
    private static final int HEADER_BUDGET = 200;

    private final RepositorySource source;
    private final EmbeddingDispatcher dispatcher;
    private final VectorStore store;
    private final JobRepository jobs;
    private final RagSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;
    private final Chunker chunker;
    private final ReuseStep reuse;

    public JobProcessor(RepositorySource source, EmbeddingDispatcher dispatcher, VectorStore store,
                        JobRepository jobs, RagSettings settings, Clock clock, ScheduledExecutorService heartbeats) {
        this.source = source;
        this.dispatcher = dispatcher;
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
        this.heartbeats = heartbeats;
        this.chunker = chunkerFor(settings, dispatcher.embedder());
        this.reuse = new ReuseStep(store);
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
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            // An OutOfMemoryError is left to the JVM: the job is taken over when its lease runs out.
            heartbeat.cancel(false);
            String error = Failures.errorOf(e);
            if (Failures.unexpectedRoot(e).isPresent()) {
                log.warn("job {} failed: {}", job.id(), error, e);
            } else {
                log.warn("job {} failed: {}", job.id(), error);
            }
            finish(job, worker, new JobOutcome.Failed(error));
        } finally {
            heartbeat.cancel(false);
        }
        return jobs.job(job.id()).orElse(job);
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("file reads still running after 30 s; closing the snapshot anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        private long chunksReused;
        private long bytesTotal;
        private long bytesDone;
        private final int percentFloor;
        private Instant lastSave = Instant.EPOCH;
        private final Eta eta = new Eta();
        private SkippedFiles.Builder skips;
        /** Files the last index left out once read; unchanged since, they are left out again unread. */
        private final Map<String, SkippedFiles.Entry> skippedUnread = new HashMap<>();

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
            try (Snapshot snapshot = open(project)) {
                cancellation.throwIfCancelled();
                commit = snapshot.commit();
                listener.onCommit(job, commit);
                boolean switching = modelSwitch(project);
                Optional<ChangeSet> changes = switching ? Optional.empty() : jobs.latestReadyJob(project.id())
                        .map(IngestionJob::commit)
                        .flatMap(previous -> previous.equals(commit)
                                ? Optional.of(new ChangeSet(Set.of(), Set.of()))
                                : snapshot.changesSince(previous));
                changes.ifPresent(c -> log.info("job {}: {} changed and {} deleted paths since the last index",
                        job.id(), c.changed().size(), c.deleted().size()));
                skips = SkippedFiles.builder(job.id(), commit);
                if (changes.isPresent()) {
                    jobs.skippedFiles(project.id()).ifPresent(earlier -> earlier.forEach(e -> {
                        if (READ_REASONS.contains(e.reason())) {
                            skippedUnread.put(e.path(), e);
                        }
                    }));
                }
                BitSet toRead = count(snapshot, changes);
                save(true);
                // A copy: reconciling removes from it, and a store may hand out an unmodifiable set.
                Set<String> stored = new HashSet<>(changes.isPresent()
                        ? store.chunkIds(project.id(), changes.get().changed())
                        : store.chunkIds(project.id()));
                changes.ifPresent(c -> {
                    if (!c.deleted().isEmpty()) {
                        store.deletePaths(project.id(), c.deleted());
                    }
                });
                index(snapshot, toRead, stored);
                if (!stored.isEmpty()) {
                    // What is left was not seen again: chunks of deleted or changed files.
                    store.delete(project.id(), stored);
                }
                jobs.saveSkippedFiles(project.id(), skips.build());
                long inStore = store.count(project.id());
                // Complete: from now on this model answers for the project (a re-embedding switches here).
                store.activate(project.id());
                if (chunksReused > 0 || switching) {
                    log.info("job {}: {} chunks embedded, {} reused from vectors already stored{}", job.id(),
                            chunksEmbedded, chunksReused, switching ? "; project now answers with model "
                                    + store.model() : "");
                }
                return progress(inStore);
            }
        }

        /**
         * Whether this job builds the project's index for another model than the one answering for
         * it: only when a re-embedding with this worker's model was requested; a worker of another
         * model must not silently replace the index (it fails, saying what to do).
         */
        private boolean modelSwitch(Project project) {
            ProjectModels models = store.models(project.id());
            if (models.answersWith(store.model())) {
                return false;
            }
            if (!models.targetModel().equals(Optional.of(store.model()))) {
                throw new ConflictException("project '" + project.name() + "' is indexed with embedding model "
                        + models.active() + " but this worker embeds with " + store.model() + "; its index is"
                        + " unchanged and still answers where that model is configured. To switch, run `rag reembed"
                        + " --project-id " + project.id() + "` (or POST /api/projects/" + project.id() + "/reembed)"
                        + " with the new model configured, or configure " + models.active() + " again");
            }
            log.info("job {}: re-embedding project '{}' with model {}; {} keeps answering until it is complete",
                    job.id(), project.name(), store.model(), models.active());
            return true;
        }

        /**
         * First pass, on metadata only: the totals that make the percentage honest from the start.
         * Returns which entries of the listing (by position) the second pass reads, so the path
         * checks run once per file; one bit per file keeps this flat.
         */
        private BitSet count(Snapshot snapshot, Optional<ChangeSet> changes) {
            BitSet toRead = new BitSet();
            Instant started = clock.instant();
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                for (int index = 0; it.hasNext(); index++) {
                    cancellation.throwIfCancelled();
                    SourceFile file = it.next();
                    Optional<SkippedFile> skipped = filter.checkPath(file);
                    if (skipped.isPresent()) {
                        filesSkipped++;
                        skips.add(file.path(), skipped.get().reason(), file.size());
                        listener.onSkipped(job, skipped.get());
                    } else if (inScope(file, changes)) {
                        filesTotal++;
                        bytesTotal += file.size();
                        toRead.set(index);
                    } else if (skippedUnread.containsKey(file.path())) {
                        filesSkipped++;
                        skips.add(skippedUnread.get(file.path()));
                    } else {
                        filesTotal++;
                        filesDone++;
                    }
                    if (Duration.between(started, clock.instant()).compareTo(QUIET_WALK) > 0) {
                        save(false); // only a long walk shows the files found so far, at 0%
                    }
                }
            }
            return toRead;
        }

        private boolean inScope(SourceFile file, Optional<ChangeSet> changes) {
            return changes.isEmpty() || changes.get().changed().contains(file.path());
        }

        /**
         * Second pass: files are read and chunked ahead on the prepare threads; here, in listing
         * order, their chunks are reconciled with what is stored and the new ones embedded.
         */
        private void index(Snapshot snapshot, BitSet toRead, Set<String> stored) {
            // Never interrupted: an interrupt can close a channel a shared pack file is read through.
            ExecutorService readers = Executors.newFixedThreadPool(PREPARE_THREADS, daemon("rag-read-"));
            Deque<Future<Prepared>> ahead = new ArrayDeque<>();
            EmbeddingBatcher batcher = new EmbeddingBatcher(dispatcher, store,
                    WINDOW_PER_SENDER * dispatcher.policy().concurrency(), cancellation, (chunks, embedded, bytes) -> {
                        chunksDone += chunks;
                        chunksEmbedded += embedded;
                        chunksReused += chunks - embedded;
                        bytesDone += bytes;
                        save(chunks > 0);
                    });
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                int index = 0;
                while (true) {
                    while (ahead.size() < PREPARE_THREADS * AHEAD_PER_THREAD && it.hasNext()) {
                        SourceFile file = it.next();
                        if (toRead.get(index++)) {
                            ahead.addLast(readers.submit(() -> prepare(snapshot, file)));
                        }
                    }
                    if (ahead.isEmpty()) {
                        break;
                    }
                    cancellation.throwIfCancelled();
                    take(await(ahead.removeFirst()), stored, batcher);
                }
                batcher.finish();
            } catch (RuntimeException e) {
                ahead.forEach(f -> f.cancel(false));
                batcher.abandon();
                throw e;
            } finally {
                readers.shutdown();
                awaitQuietly(readers); // the snapshot closes next: let running reads end first
            }
        }

        /** A file read, decoded and chunked, with the text each new chunk would be embedded as. */
        private record Prepared(SourceFile file, SkippedFile skipped, List<Chunk> chunks, List<String> texts) {
        }

        /** Runs on a prepare thread: no state of the run is touched here. */
        private Prepared prepare(Snapshot snapshot, SourceFile file) {
            if (cancellation.isCancelled()) {
                return null;
            }
            FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
            if (!decoded.isText()) {
                return new Prepared(file, decoded.skipped(), List.of(), List.of());
            }
            FileChunker.Chunks chunks = FileChunker.chunk(chunker, job.projectId(), file.path(), file.language(),
                    decoded.text());
            return new Prepared(file, null, chunks.chunks(), chunks.texts());
        }

        private Prepared await(Future<Prepared> future) {
            try {
                Prepared prepared = future.get();
                cancellation.throwIfCancelled(); // null only when cancelled
                return prepared;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancellation.cancel();
                throw new Cancellation.CancelledException();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** On the job thread, in listing order: reconcile, batch, count. */
        private void take(Prepared prepared, Set<String> stored, EmbeddingBatcher batcher) {
            SourceFile file = prepared.file();
            if (prepared.skipped() != null) {
                filesSkipped++;
                filesTotal--;
                skips.add(file.path(), prepared.skipped().reason(), file.size());
                listener.onSkipped(job, prepared.skipped());
                batcher.fileDone(file.size());
                return;
            }
            List<Chunk> fresh = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < prepared.chunks().size(); i++) {
                Chunk chunk = prepared.chunks().get(i);
                chunksTotal++;
                if (stored.remove(chunk.id())) {
                    chunksDone++;
                } else {
                    fresh.add(chunk);
                    texts.add(prepared.texts().get(i));
                }
            }
            reuse.route(fresh, texts, batcher);
            filesDone++;
            batcher.fileDone(file.size());
            save(false);
        }

        /**
         * Opens the snapshot (a clone or fetch, which may take minutes) on its own thread, so a
         * cancelled job is given back at once. The source hears the cancellation through its
         * monitor and stops fetching soon after; an open that completes anyway is closed unused.
         */
        private Snapshot open(Project project) {
            CompletableFuture<Snapshot> opening = new CompletableFuture<>();
            FetchMonitor monitor = new OpenMonitor(job, cancellation, listener);
            Thread opener = daemon("rag-open-").newThread(() -> {
                try {
                    opening.complete(source.open(project, monitor));
                } catch (Throwable e) {
                    opening.completeExceptionally(e);
                }
            });
            opener.start();
            while (true) {
                try {
                    return opening.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (cancellation.isCancelled()) {
                        opening.thenAccept(Snapshot::close);
                        throw new Cancellation.CancelledException();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancellation.cancel();
                    opening.thenAccept(Snapshot::close);
                    throw new Cancellation.CancelledException();
                } catch (ExecutionException e) {
                    if (cancellation.isCancelled()) {
                        // The source stopped because it was asked to: not a failure of the job.
                        log.debug("job {}: the open ended after the cancellation: {}", job.id(),
                                e.getCause().getMessage());
                        throw new Cancellation.CancelledException();
                    }
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        }

        private Progress progress(long inStore) {
            int percent = bytesTotal == 0 ? 0 : (int) Math.min(99, bytesDone * 99 / bytesTotal);
            long total = inStore >= 0 ? inStore : chunksTotal;
            long done = inStore >= 0 ? inStore : chunksDone;
            return new Progress(filesTotal, Math.min(filesDone, filesTotal), filesSkipped, Math.max(total, done),
                    done, chunksEmbedded, Math.max(percentFloor, percent));
        }

        /**
         * Saves progress, with the time left as this worker sees it (the server showing it may be
         * another process), after each batch, and at most every progress interval otherwise.
         */
        private void save(boolean force) {
            Instant now = clock.instant();
            if (!force && Duration.between(lastSave, now).compareTo(settings.progressInterval()) < 0) {
                return;
            }
            lastSave = now;
            Progress counted = progress(-1);
            Progress progress = counted.withEta(eta.update(now, counted.percent()));
            if (!jobs.saveProgress(job.id(), worker, progress, commit, now)) {
                cancellation.leaseLost();
                throw new Cancellation.CancelledException();
            }
            listener.onProgress(job, progress);
        }
    }

    /**
     * The monitor a source fetches with: progress goes to the listener (and, every
     * {@link #FETCH_LOG_INTERVAL}, to the log, the only channel of a background worker), and the
     * job's cancellation stops the fetch. Nothing is reported once the job is cancelled: the caller
     * has been given the job back. Used by the opening thread only.
     */
    private static final class OpenMonitor implements FetchMonitor {
        private final IngestionJob job;
        private final Cancellation cancellation;
        private final IngestionListener listener;
        private long nextLog = System.nanoTime() + FETCH_LOG_INTERVAL.toNanos();

        OpenMonitor(IngestionJob job, Cancellation cancellation, IngestionListener listener) {
            this.job = job;
            this.cancellation = cancellation;
            this.listener = listener;
        }

        @Override
        public void onFetchProgress(String task, long done, long total) {
            if (cancellation.isCancelled()) {
                return;
            }
            long now = System.nanoTime();
            if (now - nextLog >= 0) {
                nextLog = now + FETCH_LOG_INTERVAL.toNanos();
                log.info("job {}: fetching: {} {}{}", job.id(), task, done, total > 0 ? "/" + total : "");
            }
            listener.onFetchProgress(job, task, done, total);
        }

        @Override
        public boolean isCancelled() {
            return cancellation.isCancelled();
        }
    }
}

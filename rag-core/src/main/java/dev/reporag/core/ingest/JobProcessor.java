package dev.reporag.core.ingest;

import dev.reporag.core.embed.DispatchStats;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.ingest.StageTimes.Stage;
import dev.reporag.core.model.AnswerTime;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RepositoryRules;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.Embedder;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs one claimed job through the pipeline, in this order ({@link Ingestion#run}):
 * <ol>
 *   <li>open ({@link SnapshotOpening}): resolve the commit (a clone or fetch), on a thread of its
 *       own so a cancelled job is given back at once; a first job of a repository another project
 *       has indexed copies that index beside everything that follows ({@link SiblingIndex});</li>
 *   <li>scope: after a READY job (or that copy) only the files changed since its commit are read,
 *       unless the job re-embeds the project with another model;</li>
 *   <li>list: a pass over the listing's metadata applies the path and size rules and sums the bytes
 *       to read, so the percentage is honest from the start;</li>
 *   <li>read and chunk, on the reader threads, a few files ahead of the job thread, which takes
 *       them in listing order (so progress and checkpoints stay ordered);</li>
 *   <li>reconcile: a chunk stored already (same id and embedding key) is done;
 *       a new one goes on;</li>
 *   <li>reuse lookup ({@link ReuseStep}): a new chunk whose embedding key the store holds takes that
 *       vector;</li>
 *   <li>embed the others in batches through the process's {@link EmbeddingDispatcher} (which owns
 *       request shaping, pacing, concurrency and retries for every job) and store each batch as its
 *       vectors come back ({@link EmbeddingBatcher}, at most {@link #WINDOW_PER_SENDER} requests per
 *       sender ahead);</li>
 *   <li>finish: delete what was not seen again, record the skipped files, make this model answer for
 *       the project, and end READY (or FAILED, or PENDING again when cancelled).</li>
 * </ol>
 * Stored chunks are the checkpoint: a resumed job skips them. At most a small window of files is
 * held at once, so memory does not grow with the repository. The threads other than the job's own
 * belong to one {@link IngestThreads}, shared by the jobs of this processor and closed with it.
 */
public final class JobProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    /** Files prepared ahead per reader thread: enough to keep them busy, small enough to stay flat. */
    private static final int AHEAD_PER_THREAD = 4;
    /** A walk over the listing shorter than this reports no partial totals. */
    private static final Duration QUIET_WALK = Duration.ofSeconds(5);
    /** How long a job that stops waits for its running reads before it closes the snapshot anyway. */
    private static final Duration READS_DRAIN = Duration.ofSeconds(30);
    /**
     * New chunks looked up by key at once, at most (a lookup per file cost a second project a
     * second); and files, at most as many as are read ahead, so reading runs no further ahead of
     * embedding than before.
     */
    static final int LOOKUP_GROUP = 512;
    private static final int LOOKUP_FILES = IngestThreads.READERS * AHEAD_PER_THREAD;
    /** Requests of one job queued or in flight, per request the dispatcher sends at once. */
    static final int WINDOW_PER_SENDER = 2;
    /**
     * Rules applied to content: a file left out by one stays out while it is unchanged (and the
     * rules are the same: {@link FileFilter#listingRules}).
     */
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
    private final IngestThreads threads = new IngestThreads();
    private final Chunker chunker;
    private final Consumer<IngestionJob> ended;
    private final ReuseStep reuse;

    public JobProcessor(RepositorySource source, EmbeddingDispatcher dispatcher, VectorStore store,
                        JobRepository jobs, RagSettings settings, Clock clock) {
        this(source, dispatcher, store, jobs, settings, clock, job -> { });
    }

    /** @param ended hears each job this processor ended (READY or FAILED), as stored */
    public JobProcessor(RepositorySource source, EmbeddingDispatcher dispatcher, VectorStore store,
                        JobRepository jobs, RagSettings settings, Clock clock, Consumer<IngestionJob> ended) {
        this.ended = ended;
        this.source = source;
        this.dispatcher = dispatcher;
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
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
        // A job waits out a short store outage (a database restart); requests fail fast instead.
        return OutageTolerance.waitingOut(() -> processWaitingOutOutages(job, worker, cancellation, listener));
    }

    private IngestionJob processWaitingOutOutages(IngestionJob job, String worker, Cancellation cancellation,
                                                  IngestionListener listener) {
        dispatcher.embedder().prepare(); // its client and tokenizer load beside the clone or fetch
        Duration period = Duration.ofMillis(Math.max(100, settings.lease().toMillis() / 3));
        ScheduledFuture<?> heartbeat = threads.every(period, () -> renewLease(job, worker, cancellation));
        try {
            Ingestion ingestion = new Ingestion(job, worker, cancellation, listener);
            Progress progress = ingestion.run();
            heartbeat.cancel(false);
            if (finish(job, worker, new JobOutcome.Ready(ingestion.commit, progress))) {
                followChangedRules(job, ingestion.paths);
            }
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
        IngestionJob result = jobs.job(job.id()).orElse(job);
        if (result.status().isFinished()) {
            recordAnswerTime();
            try {
                ended.accept(result);
            } catch (RuntimeException e) {
                log.warn("job {}: what follows its end failed: {}", job.id(), e.getMessage());
            }
        }
        return result;
    }

    /**
     * Leaves in the job store how fast the embedding API answered this process's indexing requests,
     * once enough were answered to trust it, so that an estimate in a later process (a one-shot
     * {@code rag estimate}) knows the server's pace. A failure to save it is not the job's.
     */
    private void recordAnswerTime() {
        DispatchStats stats = dispatcher.stats();
        Optional<String> rateKey = dispatcher.embedder().rateLimitKey();
        if (rateKey.isEmpty() || stats.recentAnswers() < Estimator.MIN_ANSWERS_SEEN) {
            return;
        }
        try {
            jobs.saveAnswerTime(rateKey.get(), new AnswerTime(stats.answerSeconds(), stats.recentAnswers(), clock.instant()));
        } catch (RuntimeException e) {
            log.debug("could not record the embedding API's answer time: {}", e.getMessage());
        }
    }

    /** On the heartbeat thread: keeps the lease; a lease lost to another worker stops the job. */
    private void renewLease(IngestionJob job, String worker, Cancellation cancellation) {
        try {
            if (!jobs.renew(job.id(), worker, clock.instant(), settings.lease())) {
                log.warn("job {} lost its lease; stopping", job.id());
                cancellation.leaseLost();
            }
        } catch (RuntimeException e) {
            // A short database outage must not kill the job; the lease covers several periods.
            log.warn("could not renew the lease of job {}: {}", job.id(), e.getMessage());
        }
    }

    private boolean finish(IngestionJob job, String worker, JobOutcome outcome) {
        if (!jobs.finish(job.id(), worker, outcome, clock.instant())) {
            log.warn("job {} was taken over or deleted before it finished; its result is dropped", job.id());
            return false;
        }
        return true;
    }

    /**
     * The project's own file rules changed while the job ran under the ones it started with (a
     * registration gave others): one more job applies them, as a push during a job is followed.
     */
    private void followChangedRules(IngestionJob job, PathRules used) {
        jobs.project(job.projectId()).filter(p -> used != null && !p.paths().equals(used)).ifPresent(p -> {
            IngestionJob next = jobs.enqueue(p.id(), clock.instant());
            log.info("project {}: its own file rules changed while job {} ran; job {} applies them", p.id(), job.id(),
                    next.id());
        });
    }

    /**
     * A sibling's index being copied beside the job. The paths that differ from it, once known, are
     * read by the job; what the copy brought of them is reconciled against the chunks the job saw
     * of them ({@link StoredChunks#notSeenOf}) once the copy is done.
     */
    private static final class SiblingCopy {
        private final SiblingIndex sibling;
        private final CompletableFuture<Long> copying;
        private final Set<String> differing = new HashSet<>();

        SiblingCopy(SiblingIndex sibling, CompletableFuture<Long> copying) {
            this.sibling = sibling;
            this.copying = copying;
        }

        /** Returns once the copy has ended, whether it went through or not. */
        void awaitEnd() {
            copying.exceptionally(failure -> 0L).join();
        }
    }

    /** Stops the heartbeats; reads and opens still running end on their own. */
    @Override
    public void close() {
        threads.close();
    }

    /**
     * One claimed job's ingestion: the job, the worker holding it, its cancellation and listener,
     * and what the pipeline learns as it goes (the commit, the tally, the skipped files, where the
     * time went). Used by the job thread, except the reads it hands to the reader threads.
     */
    private final class Ingestion {
        private final IngestionJob job;
        private final String worker;
        private final Cancellation cancellation;
        private final IngestionListener listener;
        /**
         * The settings' filter with the project's own rules and the snapshot's rules files, once the
         * snapshot is open.
         */
        private FileFilter filter = settings.fileFilter();
        /** The project's own rules this job applies, read when it starts. */
        private PathRules paths;
        /** What the index the changes are counted from left out (this project's last, or a sibling's), once read. */
        private Optional<SkippedFiles> lastSkips;
        private ProgressTally tally;
        /** The sibling index this first job copies beside its other work; or null. */
        private SiblingCopy siblingCopy;
        /** The snapshot's changes since earlier commits, by commit, as worked out. */
        private final Map<String, Optional<ChangeSet>> diffs = new HashMap<>();
        private final StageTimes times = new StageTimes();
        private final Eta eta = new Eta();
        private Instant lastSave = Instant.EPOCH;
        private String commit;
        private SkippedFiles.Builder skips;
        /** Files the last index left out once read; unchanged since, they are left out again unread. */
        private final Map<String, SkippedFiles.Entry> skippedUnread = new HashMap<>();
        /** Set when the job stops early: reads not started yet return at once. */
        private volatile boolean stopping;

        Ingestion(IngestionJob job, String worker, Cancellation cancellation, IngestionListener listener) {
            this.job = job;
            this.worker = worker;
            this.cancellation = cancellation;
            this.listener = listener;
            this.tally = new ProgressTally(job.progress().percent());
        }

        /** The pipeline, top-down; returns the progress of the complete job. */
        Progress run() {
            Project project = jobs.project(job.projectId())
                    .orElseThrow(() -> new StoreException("the project was deleted"));
            // The commit the last complete index is of; none before a project's first READY job.
            Optional<String> previous = jobs.latestReadyJob(project.id()).map(IngestionJob::commit);
            boolean mayStartFromAnother = previous.isEmpty() && holdsNothingYet(project);
            if (mayStartFromAnother) {
                startSiblingCopy(project);
            }
            try (Snapshot snapshot = times.time(Stage.OPEN,
                    () -> SnapshotOpening.open(threads, source, project, job, cancellation, listener))) {
                cancellation.throwIfCancelled();
                commit = snapshot.commit();
                listener.onCommit(job, commit);
                if (mayStartFromAnother && siblingCopy == null) {
                    startRelatedCopy(project, snapshot);
                }
                boolean switching = modelSwitch(project);
                paths = project.paths();
                FileFilter projectFilter = settings.fileFilter().forProject(paths);
                filter = times.time(Stage.LIST, () -> projectFilter.forRepository(
                        RepositoryRuleFiles.read(snapshot, projectFilter, cancellation)));
                Optional<ChangeSet> changes = switching ? Optional.empty() : changesSinceLastIndex(project, previous, snapshot);
                BitSet toRead = times.time(Stage.LIST, () -> list(project, snapshot, changes));
                save(true);
                StoredChunks stored = storedInScope(project, changes);
                index(snapshot, toRead, stored);
                Set<String> unseen = siblingCopy != null ? finishSiblingCopy(project, snapshot, stored) : stored.unseen();
                Progress complete = times.time(Stage.FINISH, () -> complete(project, unseen, switching));
                log.info("job {}: {} chunks embedded, {} reused from vectors already stored; the job thread's"
                        + " time: {}", job.id(), tally.chunksEmbedded(), tally.chunksReused(), times);
                return complete;
            } finally {
                if (siblingCopy != null) {
                    siblingCopy.awaitEnd(); // no copy outlives its job
                }
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
         * After a READY job, the paths changed and deleted since its commit; before the first, those
         * since the commit of the sibling's index copied ({@link #startFromSibling}); empty when
         * everything is read.
         */
        private Optional<ChangeSet> changesSinceLastIndex(Project project, Optional<String> previous,
                                                          Snapshot snapshot) {
            if (previous.isEmpty()) {
                return startFromSibling(project, snapshot);
            }
            Optional<ChangeSet> changes = changesSince(previous.get(), snapshot, () -> lastSkips(project));
            changes.ifPresent(c -> log.info("job {}: {} changed and {} deleted paths since the last index",
                    job.id(), c.changed().size(), c.deleted().size()));
            return changes;
        }

        /**
         * The changes since an index of {@code previous} made under {@code earlierSkips}' rules, when
         * reading only them gives the same index as reading everything.
         */
        private Optional<ChangeSet> changesSince(String previous, Snapshot snapshot,
                                                 Supplier<Optional<SkippedFiles>> earlierSkips) {
            return diff(snapshot, previous)
                    // Changed rules files may leave out or bring back files that did not change: all are listed.
                    .filter(c -> Stream.concat(c.changed().stream(), c.deleted().stream())
                            .noneMatch(RepositoryRules::concernsOtherFiles))
                    // Other rules since (a limit raised, a glob, an upgrade, a repository turned
                    // documentation) may bring in or leave out files that did not change: all are listed.
                    .filter(c -> sameListingRules(earlierSkips.get()));
        }

        /**
         * A first job of a project whose repository another project has indexed (another branch or
         * tag, a second name) copies that project's index on a thread of its own from the start,
         * beside the clone or fetch, the listing, and the reading and embedding of the files that
         * differ: no chunk of a file the two share is read, looked up, embedded or written one by
         * one. A first job resumed keeps its own chunks instead.
         */
        private void startSiblingCopy(Project project) {
            SiblingIndex.find(project, jobs, store).ifPresent(this::startCopy);
        }

        /** Whether the project holds no chunk in this store's model: a first job resumed keeps its own. */
        private boolean holdsNothingYet(Project project) {
            return store.models(project.id()).answersWith(store.model()) && store.count(project.id()) == 0;
        }

        /** Copies {@code from}'s chunks as this project's, on the copier thread, through the fence. */
        private void startCopy(SiblingIndex from) {
            VectorStore copyTo = fenced();
            siblingCopy = new SiblingCopy(from,
                    threads.copy(() -> copyTo.copyChunks(from.project().id(), job.projectId())));
        }

        /**
         * A first job with no sibling of the same repository looks, once its snapshot is open, for an
         * index of another repository it differs little from (a fork's upstream, the same repository
         * at another host or path: {@link SiblingIndex#related}) and copies it. The copy then runs
         * beside the listing and the reading of the files that differ rather than beside the fetch.
         */
        private void startRelatedCopy(Project project, Snapshot snapshot) {
            SiblingIndex.related(project, jobs, store, (earlier, earlierSource) -> diff(snapshot, earlier, earlierSource))
                    .ifPresent(related -> {
                        log.info("job {}: project '{}' of another repository is indexed at commit {}, close to this"
                                + " one; its index is copied", job.id(), related.project().name(), related.commit());
                        startCopy(related);
                    });
        }

        /** The snapshot's changes since an earlier commit, each worked out once a job. */
        private Optional<ChangeSet> diff(Snapshot snapshot, String earlier) {
            return diff(snapshot, earlier, null);
        }

        /** Since a commit of another source, where the snapshot can read it ({@link Snapshot#changesSince(String, String)}). */
        private Optional<ChangeSet> diff(Snapshot snapshot, String earlier, String earlierSource) {
            Optional<ChangeSet> known = diffs.get(earlier);
            if (known != null && (known.isPresent() || earlierSource == null)) {
                return known;
            }
            Optional<ChangeSet> changes = earlier.equals(commit) ? Optional.of(new ChangeSet(Set.of(), Set.of()))
                    : earlierSource == null ? snapshot.changesSince(earlier) : snapshot.changesSince(earlier, earlierSource);
            diffs.put(earlier, changes);
            return changes;
        }

        /**
         * With a sibling's index being copied, the job goes on as a re-index from that index's commit:
         * only what differs is read. Where that cannot be (other listing rules, a snapshot without that
         * commit), the copy is waited for and every file is read, its copies reconciled like a resumed
         * job's chunks.
         */
        private Optional<ChangeSet> startFromSibling(Project project, Snapshot snapshot) {
            if (siblingCopy == null) {
                return Optional.empty();
            }
            SiblingIndex sibling = siblingCopy.sibling;
            Optional<SkippedFiles> siblingSkips = jobs.skippedFiles(sibling.project().id());
            Optional<ChangeSet> changes = changesSince(sibling.commit(), snapshot, () -> siblingSkips);
            if (changes.isEmpty()) {
                log.info("job {}: project '{}''s index at {} cannot be started from; every file is read",
                        job.id(), sibling.project().name(), sibling.commit());
                awaitSiblingCopy();
                siblingCopy = null;
                return changes;
            }
            siblingCopy.differing.addAll(changes.get().changed());
            siblingCopy.differing.addAll(changes.get().deleted());
            lastSkips = siblingSkips;
            log.info("job {}: starts from project '{}' at {}: {} changed and {} deleted paths since", job.id(),
                    sibling.project().name(), sibling.commit(), changes.get().changed().size(),
                    changes.get().deleted().size());
            return changes;
        }

        /** Waits for the sibling's copy; false when the store refused it (the sibling deleted under it, say). */
        private boolean awaitSiblingCopy() {
            String name = siblingCopy.sibling.project().name();
            try {
                long copied = times.time(Stage.COPY, () -> {
                    try {
                        return siblingCopy.copying.join();
                    } catch (CompletionException e) {
                        throw e.getCause() instanceof RuntimeException cause ? cause : e;
                    }
                });
                log.info("job {}: {} chunks copied from project '{}' at {}", job.id(), copied, name,
                        siblingCopy.sibling.commit());
                return true;
            } catch (StoreException e) {
                log.info("job {}: copying project '{}' failed ({})", job.id(), name, e.getMessage());
                return false;
            }
        }

        /**
         * Once the files that differ are indexed, the copy is waited for, and what it brought of those
         * paths that the job did not see again is returned to be deleted (the sibling's versions of
         * changed or deleted files). If the copy failed, or the sibling was indexed again while it
         * ran, every file is read after all.
         */
        private Set<String> finishSiblingCopy(Project project, Snapshot snapshot, StoredChunks stored) {
            if (!awaitSiblingCopy() || !siblingCopy.sibling.unchangedIn(jobs)) {
                return readEverythingAfterAll(project, snapshot);
            }
            return stored.notSeenOf(store.chunkKeys(project.id(), siblingCopy.differing).keySet());
        }

        /**
         * The copy failed, or the sibling was indexed again while its chunks were copied (so the copy
         * may mix two of its commits): what was copied for the paths this job did not read goes, and
         * every file is listed and read as a first job does (the changed files' chunks are reconciled
         * like a resumed job's). Returns the chunk ids to reconcile against, as {@link #storedInScope} does.
         */
        private Set<String> readEverythingAfterAll(Project project, Snapshot snapshot) {
            log.info("job {}: the copy of project '{}' cannot be kept (it failed, or that project was indexed"
                    + " again meanwhile); every file is read", job.id(), siblingCopy.sibling.project().name());
            Set<String> copied = new HashSet<>(store.chunkKeys(project.id()).keySet());
            copied.removeAll(store.chunkKeys(project.id(), siblingCopy.differing).keySet());
            store.delete(project.id(), copied);
            siblingCopy = null;
            skippedUnread.clear();
            tally = new ProgressTally(tally.progress().percent());
            BitSet toRead = times.time(Stage.LIST, () -> list(project, snapshot, Optional.empty()));
            StoredChunks stored = storedInScope(project, Optional.empty());
            index(snapshot, toRead, stored);
            return stored.unseen();
        }

        /** What the last complete job left out (and the rules it listed by), read once: it may be long. */
        private Optional<SkippedFiles> lastSkips(Project project) {
            if (lastSkips == null) {
                lastSkips = jobs.skippedFiles(project.id());
            }
            return lastSkips;
        }

        /** Whether the index the changes are counted from listed files under the rules this job lists them by. */
        private boolean sameListingRules(Optional<SkippedFiles> earlierSkips) {
            String earlier = earlierSkips.map(SkippedFiles::listingRules).orElse("");
            if (!earlier.equals(filter.listingRules())) {
                log.info("job {}: every file is listed: the last index was made under other rules ({}; now {})",
                        job.id(), earlier.isEmpty() ? "an earlier release's" : earlier, filter.listingRules());
                return false;
            }
            return true;
        }

        /**
         * First pass, on metadata only: the totals that make the percentage honest from the start.
         * Returns which entries of the listing (by position) the second pass reads, so the path
         * checks run once per file; one bit per file keeps this flat.
         */
        private BitSet list(Project project, Snapshot snapshot, Optional<ChangeSet> changes) {
            skips = SkippedFiles.builder(job.id(), commit, filter.listingRules());
            if (changes.isPresent()) {
                lastSkips(project).ifPresent(earlier -> earlier.forEach(e -> {
                    if (READ_REASONS.contains(e.reason())) {
                        skippedUnread.put(e.path(), e);
                    }
                }));
            }
            BitSet toRead = new BitSet();
            Instant started = clock.instant();
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                for (int index = 0; it.hasNext(); index++) {
                    cancellation.throwIfCancelled();
                    SourceFile file = it.next();
                    Optional<SkippedFile> skipped = filter.checkPath(file);
                    if (skipped.isPresent()) {
                        tally.skippedUnread();
                        skips.add(file.path(), skipped.get().reason(), file.size());
                        listener.onSkipped(job, skipped.get());
                    } else if (changes.isEmpty() || changes.get().changed().contains(file.path())) {
                        tally.toRead(file.size());
                        toRead.set(index);
                    } else if (skippedUnread.containsKey(file.path())) {
                        tally.skippedUnread();
                        skips.add(skippedUnread.get(file.path()));
                    } else {
                        tally.unchanged();
                    }
                    if (Duration.between(started, clock.instant()).compareTo(QUIET_WALK) > 0) {
                        save(false); // only a long walk shows the files found so far, at 0%
                    }
                }
            }
            return toRead;
        }

        /**
         * The stored chunks of the files in scope, to reconcile against (what is left at the end was
         * not seen again); the chunks of deleted paths go at once. With a sibling's index being
         * copied, the copy's chunks of those paths are reconciled once it is done; meanwhile the
         * sibling's chunks of the changed files tell which of theirs the copy brings as they are.
         */
        private StoredChunks storedInScope(Project project, Optional<ChangeSet> changes) {
            if (siblingCopy != null) {
                ProjectId sibling = siblingCopy.sibling.project().id();
                return StoredChunks.ofCopy(sibling, store.chunkKeys(sibling, changes.orElseThrow().changed()));
            }
            StoredChunks stored = StoredChunks.of(changes.isPresent()
                    ? store.chunkKeys(project.id(), changes.get().changed())
                    : store.chunkKeys(project.id()));
            changes.ifPresent(c -> {
                if (!c.deleted().isEmpty()) {
                    store.deletePaths(project.id(), c.deleted());
                }
            });
            return stored;
        }

        /**
         * Second pass: files are read and chunked ahead on the reader threads; here, in listing
         * order, their chunks are reconciled, looked up by key (once for the files read so far, up
         * to {@link #LOOKUP_GROUP} new chunks and {@link #LOOKUP_FILES} files), and the new ones
         * embedded and stored.
         */
        private void index(Snapshot snapshot, BitSet toRead, StoredChunks stored) {
            stopping = false; // a pass before this one ended with its reads drained
            Deque<Future<ReadFile>> ahead = new ArrayDeque<>();
            EmbeddingBatcher batcher = new EmbeddingBatcher(dispatcher, batches(),
                    WINDOW_PER_SENDER * dispatcher.policy().concurrency(), cancellation, (chunks, embedded, bytes) -> {
                        tally.stored(chunks, embedded, bytes);
                        save(chunks > 0);
                    }, settings.maxTokensPerJob(), times);
            LookupGroup group = new LookupGroup();
            try (Stream<SourceFile> files = snapshot.files()) {
                Iterator<SourceFile> it = files.iterator();
                int index = 0;
                while (true) {
                    while (ahead.size() < IngestThreads.READERS * AHEAD_PER_THREAD && it.hasNext()) {
                        SourceFile file = it.next();
                        if (toRead.get(index++)) {
                            ahead.addLast(threads.read(() -> read(snapshot, file)));
                        }
                    }
                    // Routed when large enough, or before waiting for a read: new chunks never wait for reads.
                    boolean nextReady = !ahead.isEmpty() && ahead.peekFirst().isDone();
                    if (group.chunks >= LOOKUP_GROUP || group.files.size() >= LOOKUP_FILES
                            || (!group.files.isEmpty() && !nextReady)) {
                        route(group, batcher);
                    }
                    if (ahead.isEmpty()) {
                        break;
                    }
                    cancellation.throwIfCancelled();
                    ReadFile read = times.time(Stage.READ, () -> await(ahead.removeFirst()));
                    group.add(reconcile(read, stored), read.skipped() == null);
                }
                batcher.finish();
            } catch (RuntimeException e) {
                batcher.abandon();
                throw e;
            } finally {
                drain(ahead); // the snapshot closes next: let running reads end first
            }
        }

        /** Files reconciled and not yet looked up by key, in listing order. */
        private static final class LookupGroup {
            private final List<ReuseStep.FileChunks> files = new ArrayList<>();
            private int chunks;
            private int read;

            void add(ReuseStep.FileChunks file, boolean wasRead) {
                files.add(file);
                chunks += file.chunks().size();
                read += wasRead ? 1 : 0;
            }
        }

        /** One key lookup for the group's chunks, which go to the batcher file by file; then counted. */
        private void route(LookupGroup group, EmbeddingBatcher batcher) {
            times.time(Stage.LOOKUP, () -> reuse.routeFiles(group.files, batcher));
            tally.filesRead(group.read);
            group.files.clear();
            group.chunks = 0;
            group.read = 0;
            save(false);
        }

        /** A file read, decoded and chunked, with the text each chunk would be embedded as. */
        private record ReadFile(SourceFile file, SkippedFile skipped, List<Chunk> chunks, List<String> texts) {
        }

        /** On a reader thread: no state of the ingestion is touched here. Null when the job stopped. */
        private ReadFile read(Snapshot snapshot, SourceFile file) {
            if (stopping || cancellation.isCancelled()) {
                return null;
            }
            FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
            if (!decoded.isText()) {
                return new ReadFile(file, decoded.skipped(), List.of(), List.of());
            }
            FileChunker.Chunks chunks = FileChunker.chunk(chunker, job.projectId(), file.path(), file.language(),
                    decoded);
            return new ReadFile(file, null, chunks.chunks(), chunks.texts());
        }

        private ReadFile await(Future<ReadFile> future) {
            try {
                ReadFile read = future.get();
                cancellation.throwIfCancelled(); // null only when cancelled
                return read;
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

        /**
         * Reads not taken: those not started return at once, running ones are waited for (never
         * interrupted), up to {@link #READS_DRAIN} in all.
         */
        private void drain(Deque<Future<ReadFile>> ahead) {
            stopping = true;
            long deadline = System.nanoTime() + READS_DRAIN.toNanos();
            for (Future<ReadFile> read : ahead) {
                try {
                    read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    log.warn("job {}: file reads still running after {} s; closing the snapshot anyway", job.id(),
                            READS_DRAIN.toSeconds());
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    // a read that failed or was never run: nothing is running
                }
            }
        }

        /**
         * On the job thread, in listing order: a file left out on reading is recorded; of a file
         * read, the chunks stored as they are ({@link StoredChunks}) are done, the others are returned.
         */
        private ReuseStep.FileChunks reconcile(ReadFile read, StoredChunks stored) {
            SourceFile file = read.file();
            if (read.skipped() != null) {
                tally.skippedOnRead();
                skips.add(file.path(), read.skipped().reason(), file.size());
                listener.onSkipped(job, read.skipped());
                return new ReuseStep.FileChunks(List.of(), List.of(), file.size());
            }
            List<Chunk> fresh = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < read.chunks().size(); i++) {
                Chunk chunk = read.chunks().get(i);
                String text = read.texts().get(i);
                boolean done = stored.unchanged(chunk, () -> reuse.keyOf(text));
                tally.chunk(done);
                if (!done) {
                    fresh.add(chunk);
                    texts.add(text);
                }
            }
            return new ReuseStep.FileChunks(fresh, texts, file.size());
        }

        /** What was not seen again goes; the skipped files are recorded; this model answers from now on. */
        private Progress complete(Project project, Set<String> stored, boolean switching) {
            if (!stored.isEmpty()) {
                // What is left was not seen again: chunks of deleted or changed files.
                store.delete(project.id(), stored);
            }
            jobs.saveSkippedFiles(project.id(), skips.build());
            long inStore = store.count(project.id());
            // Complete: from now on this model answers for the project (a re-embedding switches here).
            fenced().activate(project.id());
            if (switching) {
                log.info("job {}: project now answers with model {}", job.id(), store.model());
            }
            return tally.complete(inStore);
        }

        /**
         * The store as this job writes to it: a batch (and the model switch at the end) is written
         * only while the job is still this worker's, so a project deleted meanwhile keeps none.
         */
        private VectorStore fenced() {
            return new FencedStore(store, job.projectId(), this::holdsJob, cancellation);
        }

        /** The store as this job's batches are written to it: fenced, and after the sibling copy, if one runs. */
        private VectorStore batches() {
            SiblingCopy copy = siblingCopy;
            if (copy == null) {
                return fenced();
            }
            return new FencedStore(store, job.projectId(), this::holdsJob, cancellation,
                    copy::awaitEnd);
        }

        private boolean holdsJob() {
            return jobs.job(job.id()).filter(j -> worker.equals(j.leaseOwner())).isPresent();
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
            Progress counted = tally.progress();
            Progress progress = counted.withEta(eta.update(now, counted.percent()));
            boolean saved = times.time(Stage.PROGRESS, () -> jobs.saveProgress(job.id(), worker, progress, commit, now));
            if (!saved) {
                cancellation.leaseLost();
                throw new Cancellation.CancelledException();
            }
            listener.onProgress(job, progress);
        }
    }
}

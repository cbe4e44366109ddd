package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.WorkerKind;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.JobRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claims jobs and processes them on its own threads until stopped. A failing project never stops
 * the worker; a failing job repository (database down) makes it back off and try again.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** How often a worker tells the job store it is alive: polling, or making progress on a job. */
    static final Duration SEEN_EVERY = Duration.ofSeconds(30);

    private final String id;
    private final int threads;
    private final JobRepository jobs;
    private final JobProcessor processor;
    private final RagSettings settings;
    private final Clock clock;
    private final IngestionListener listener;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private final Cancellation stopping = new Cancellation();
    private final List<Thread> loops = new ArrayList<>();
    private final AtomicLong lastSeenMillis = new AtomicLong(Long.MIN_VALUE);
    private final WorkBell bell;
    private JobRepository.Watch queueWatch;

    /** @param bell rung by this process when it enqueues a job: an idle loop then claims at once */
    public Worker(String id, int threads, JobRepository jobs, JobProcessor processor, RagSettings settings,
                  Clock clock, IngestionListener listener, WorkBell bell) {
        this.bell = bell;
        if (threads < 1) {
            throw new IllegalArgumentException("a worker needs at least one thread");
        }
        this.id = id;
        this.threads = threads;
        this.jobs = jobs;
        this.processor = processor;
        this.settings = settings;
        this.clock = clock;
        this.listener = new IngestionListener() {
            @Override
            public void onFetchProgress(IngestionJob job, String task, long done, long total) {
                seen();
                listener.onFetchProgress(job, task, done, total);
            }

            @Override
            public void onCommit(IngestionJob job, String commit) {
                listener.onCommit(job, commit);
            }

            @Override
            public void onProgress(IngestionJob job, Progress progress) {
                seen();
                listener.onProgress(job, progress);
            }

            @Override
            public void onSkipped(IngestionJob job, SkippedFile file) {
                listener.onSkipped(job, file);
            }
        };
    }

    /**
     * Notes in the job store that this worker is alive, at most every {@link #SEEN_EVERY}, so a
     * PENDING project can say whether a worker is coming. A failure to note it is not the job's.
     */
    private void seen() {
        long now = clock.millis();
        long last = lastSeenMillis.get();
        boolean recent = last != Long.MIN_VALUE && now - last < SEEN_EVERY.toMillis();
        if (recent || !lastSeenMillis.compareAndSet(last, now)) {
            return;
        }
        try {
            jobs.workerSeen(WorkerKind.WORKER, clock.instant());
        } catch (RuntimeException e) {
            log.debug("could not note that worker {} is alive: {}", id, e.getMessage());
        }
    }

    public String id() {
        return id;
    }

    public synchronized void start() {
        if (!loops.isEmpty()) {
            throw new IllegalStateException("worker " + id + " is already started");
        }
        queueWatch = jobs.watchQueue(bell::ring); // jobs other processes enqueue wake this one's loops too
        for (int i = 0; i < threads; i++) {
            Thread loop = new Thread(this::loop, "rag-worker-" + id + "-" + i);
            loops.add(loop);
            loop.start();
        }
        log.info("worker {} started with {} thread(s)", id, threads);
    }

    /** Claims and processes one job in the calling thread, if any is waiting. */
    public Optional<IngestionJob> runOnce() {
        seen();
        Optional<IngestionJob> claimed = jobs.claim(id, clock.instant(), settings.lease(), settings.maxAttempts());
        return claimed.map(this::run);
    }

    /** Processes jobs in the calling thread until none is waiting; returns how many ran. */
    public int runUntilIdle() {
        int count = 0;
        while (!stopping.isCancelled() && runOnce().isPresent()) {
            count++;
        }
        return count;
    }

    private IngestionJob run(IngestionJob job) {
        Cancellation cancellation = new Cancellation();
        running.add(cancellation);
        if (stopping.isCancelled()) {
            cancellation.cancel();
        }
        try {
            log.info("worker {} processing job {} of project {} (attempt {})", id, job.id(), job.projectId(),
                    job.attempts());
            IngestionJob done = processor.process(job, id, cancellation, listener);
            log.info("job {} ended {}{}", job.id(), done.status(),
                    done.error() == null ? "" : ": " + done.error());
            return done;
        } finally {
            running.remove(cancellation);
        }
    }

    private void loop() {
        int failures = 0;
        while (!stopping.isCancelled()) {
            try {
                long rung = bell.rings();
                if (runOnce().isEmpty() && !stopping.isCancelled()) {
                    bell.await(rung, settings.pollInterval());
                }
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.cancel();
            } catch (RuntimeException e) {
                failures++;
                long backoff = Math.min(30_000, settings.pollInterval().toMillis() << Math.min(failures, 5));
                log.warn("worker {} could not claim work ({}); retrying in {} ms", id, e.getMessage(), backoff);
                stopping.sleepQuietly(Duration.ofMillis(backoff + ThreadLocalRandom.current().nextLong(250)));
            }
        }
    }

    /** Stops claiming, asks running jobs to stop at a safe point (they become PENDING) and waits. */
    public void stop(Duration grace) {
        stopping.cancel();
        bell.ring(); // idle loops wait on the bell
        running.forEach(Cancellation::cancel);
        long deadline = System.nanoTime() + grace.toNanos();
        List<Thread> started;
        synchronized (this) {
            started = List.copyOf(loops);
            if (queueWatch != null) {
                queueWatch.close();
            }
        }
        for (Thread loop : started) {
            try {
                loop.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("worker {} stopped", id);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A job's first stage: its snapshot opened (cloned or fetched) while the job stays cancellable. */
final class SnapshotOpening {
    /** Logged under JobProcessor, as before this stage had a class of its own: log settings name that logger. */
    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    /** A clone shorter than this logs no progress; a longer one logs a line this often. */
    private static final Duration FETCH_LOG_INTERVAL = Duration.ofSeconds(10);

    private SnapshotOpening() {
    }

    /**
     * Opens the snapshot (a clone or fetch, which may take minutes) on an opener thread, so a
     * cancelled job is given back at once. The source hears the cancellation through its
     * monitor and stops fetching soon after; an open that completes anyway is closed unused.
     */
    static Snapshot open(IngestThreads threads, RepositorySource source, Project project, IngestionJob job,
                         Cancellation cancellation, IngestionListener listener) {
        FetchMonitor monitor = new OpenMonitor(job, cancellation, listener);
        CompletableFuture<Snapshot> opening = threads.open(() -> source.open(project, monitor));
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

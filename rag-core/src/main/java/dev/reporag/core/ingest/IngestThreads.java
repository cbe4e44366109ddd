package dev.reporag.core.ingest;

import dev.reporag.core.port.Snapshot;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every thread ingestion uses besides a job's own, in one owner shared by the jobs of a process:
 * the lease heartbeats, the threads that read and chunk files ahead of a job, the threads that
 * open (clone or fetch) a snapshot while the job thread keeps watching its cancellation, and those
 * that copy a sibling's index beside a job. Embedding requests have their own owner, the
 * {@link dev.reporag.core.embed.EmbeddingDispatcher}.
 *
 * <p>All threads are daemons and none is ever interrupted: an interrupt can close a channel that a
 * shared pack file is read through. A job stops its reads by its cancellation and waits for the
 * running ones before it closes its snapshot.
 */
final class IngestThreads implements AutoCloseable {
    /** Threads that read and chunk files ahead of the job threads: the cores, at most four. */
    static final int READERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            daemon("rag-lease-heartbeat-"));
    private final ExecutorService readers = Executors.newFixedThreadPool(READERS, daemon("rag-read-"));
    /** One thread per snapshot being opened: an open may take minutes and jobs open theirs at once. */
    private final ExecutorService openers = Executors.newCachedThreadPool(daemon("rag-open-"));
    /** One thread per sibling index being copied beside its job. */
    private final ExecutorService copiers = Executors.newCachedThreadPool(daemon("rag-copy-"));

    /** Runs {@code beat} every {@code period} until the returned future is cancelled. */
    ScheduledFuture<?> every(Duration period, Runnable beat) {
        long millis = period.toMillis();
        return heartbeats.scheduleAtFixedRate(beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reads (and chunks) one file ahead of the job thread. */
    <T> Future<T> read(Callable<T> work) {
        return readers.submit(work);
    }

    /** Opens a snapshot on a thread of its own; the caller waits as long as its job is not cancelled. */
    CompletableFuture<Snapshot> open(Supplier<Snapshot> opening) {
        return CompletableFuture.supplyAsync(opening, openers);
    }

    /** Copies a sibling's index on a thread of its own, beside the job that waits for it at its end. */
    <T> CompletableFuture<T> copy(Supplier<T> copying) {
        return CompletableFuture.supplyAsync(copying, copiers);
    }

    /** Stops the heartbeats at once; reads and opens still running end on their own (never interrupted). */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        readers.shutdown();
        openers.shutdown();
        copiers.shutdown();
    }

    private static ThreadFactory daemon(String prefix) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

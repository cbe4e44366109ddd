package dev.reporag.core.ingest;

import java.time.Duration;

/**
 * Wakes a process's idle workers when a job is enqueued, instead of leaving the job to their next
 * poll (2 s by default: every "Initialize AI" waited for it). The process rings it for its own
 * enqueues; a job repository shared between processes rings it for theirs
 * ({@link dev.reporag.core.port.JobRepository#watchQueue}). Rings are counted, so one rung between
 * a worker's look at the queue and its wait is not missed.
 */
public final class WorkBell {
    private long rings;

    public synchronized void ring() {
        rings++;
        notifyAll();
    }

    synchronized long rings() {
        return rings;
    }

    /** Waits until rung after {@code seen} was read, or for {@code timeout}. */
    synchronized void await(long seen, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (rings == seen) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}

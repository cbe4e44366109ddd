package dev.reporag.core.ingest;

import java.time.Duration;

/**
 * Asks a running job to stop at its next safe point. A stopped job is given back as PENDING, so
 * the next run resumes it; a job whose lease was lost is simply left to its new owner.
 */
public final class Cancellation {
    private volatile boolean requested;
    private volatile boolean leaseLost;

    public void cancel() {
        requested = true;
        synchronized (this) {
            notifyAll();
        }
    }

    void leaseLost() {
        leaseLost = true;
        cancel();
    }

    public boolean isCancelled() {
        return requested;
    }

    boolean isLeaseLost() {
        return leaseLost;
    }

    void throwIfCancelled() {
        if (requested) {
            throw new CancelledException();
        }
    }

    /** Sleeps, waking early when cancelled. */
    void sleep(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        synchronized (this) {
            while (!requested) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                }
            }
        }
        throwIfCancelled();
    }

    /** Like {@link #sleep} but returns instead of throwing when cancelled. */
    void sleepQuietly(Duration duration) {
        try {
            sleep(duration);
        } catch (CancelledException e) {
            // the caller checks isCancelled()
        }
    }

    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}

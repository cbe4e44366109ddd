package dev.reporag.core.ingest;

import java.util.function.Supplier;

/**
 * Whether the calling thread may wait out a short outage of its stores. A worker in the middle of a
 * job may: a database restart must not fail the job, so its store calls keep trying for a while.
 * Anything else (an HTTP request, a CLI command's reads, a worker polling for work) may not: it
 * fails fast, after the store's own bounded wait, and is asked again. Store adapters read this; the
 * job processor sets it around a job.
 */
public final class OutageTolerance {
    private static final ThreadLocal<Boolean> WAITS = ThreadLocal.withInitial(() -> false);

    private OutageTolerance() {
    }

    /** True on a thread running a job. */
    public static boolean mayWait() {
        return WAITS.get();
    }

    /** Runs {@code work} with store outages waited out on this thread. */
    static <T> T waitingOut(Supplier<T> work) {
        boolean before = WAITS.get();
        WAITS.set(true);
        try {
            return work.get();
        } finally {
            WAITS.set(before);
        }
    }
}

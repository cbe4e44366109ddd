package dev.reporag.core.embed;

/**
 * The answer times of a dispatcher's latest indexing requests, whose mean an estimate paces by.
 *
 * <p>Only the latest {@value #WINDOW} count, so the mean follows a server that became slower or
 * faster rather than a service's whole life. And once {@value #MIN_FULL} of them were sent while
 * every other slot was busy, only such answers count: they are the answer time of a long job's
 * steady state, where the estimate divides by the requests in flight. A request sent into an idle
 * pipeline (a job's first few, or any while the job was slow to produce) waits behind fewer others;
 * on a server that embeds one request at a time, counting them made READY take 1.12–1.23 times
 * the estimate (docs/benchmarks/estimate.md). Thread-safe.
 */
final class RecentAnswers {
    /** Answers kept: a few ingestions' worth of a small repository, so one slow request moves the mean little. */
    static final int WINDOW = 50;
    /** Answers of a full pipeline seen before only they count. */
    static final int MIN_FULL = 5;

    private final Window all = new Window();
    private final Window full = new Window();

    /** @param pipelineFull whether every other request slot was busy when this one was sent */
    synchronized void add(long answerNanos, boolean pipelineFull) {
        all.add(answerNanos);
        if (pipelineFull) {
            full.add(answerNanos);
        }
    }

    /**
     * @param total   answers seen since the dispatcher started
     * @param counted the answers the mean is over
     * @param seconds their mean answer time (0 before the first)
     */
    record Mean(long total, long counted, double seconds) {
    }

    /** Read at once, so that the count and the mean are of the same answers. */
    synchronized Mean mean() {
        Window counting = counting();
        return new Mean(all.total, counting.counted(),
                counting.total == 0 ? 0 : counting.sum / 1e9 / counting.counted());
    }

    private Window counting() {
        return full.total >= MIN_FULL ? full : all;
    }

    /** The latest {@value #WINDOW} answer times, and their sum. */
    private static final class Window {
        private final long[] nanos = new long[WINDOW];
        private long total;
        private long sum;

        void add(long answerNanos) {
            int slot = (int) (total % WINDOW);
            if (total >= WINDOW) {
                sum -= nanos[slot];
            }
            nanos[slot] = answerNanos;
            sum += answerNanos;
            total++;
        }

        long counted() {
            return Math.min(total, WINDOW);
        }
    }
}

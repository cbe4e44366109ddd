package dev.reporag.core.embed;

/**
 * The answer times of a dispatcher's latest indexing requests: their mean is what an estimate
 * paces by, so it follows a server that became slower or faster within {@value #WINDOW} answers
 * rather than a service's whole life. Thread-safe.
 */
final class RecentAnswers {
    /** Answers kept: a few ingestions' worth of a small repository, so one slow request moves the mean little. */
    static final int WINDOW = 50;

    private final long[] nanos = new long[WINDOW];
    private long total;
    private long sum;

    synchronized void add(long answerNanos) {
        int slot = (int) (total % WINDOW);
        if (total >= WINDOW) {
            sum -= nanos[slot];
        }
        nanos[slot] = answerNanos;
        sum += answerNanos;
        total++;
    }

    /** Answers seen since the dispatcher started. */
    synchronized long total() {
        return total;
    }

    /** The answers the mean is over: all of them, up to the latest {@value #WINDOW}. */
    synchronized long counted() {
        return Math.min(total, WINDOW);
    }

    /** The mean answer time of the latest {@value #WINDOW} answers, in seconds (0 before the first). */
    synchronized double meanSeconds() {
        long counted = counted();
        return counted == 0 ? 0 : sum / 1e9 / counted;
    }
}

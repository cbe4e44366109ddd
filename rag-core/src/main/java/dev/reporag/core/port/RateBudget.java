package dev.reporag.core.port;

import java.time.Duration;

/**
 * The time line of one rate budget (one API key), shared by every process that spends it: each
 * request reserves the next start and occupies a slot of the time line as long as its share of the
 * budget takes to earn back, and a 429's wait pauses every process. In memory for one process; in
 * the database when several processes share a key.
 */
public interface RateBudget {
    /**
     * Reserves the next start on the time line of {@code key}.
     *
     * @param slot   how long the request occupies the time line (no other starts within it)
     * @param tokens the request's tokens, added to the key's running total
     * @return how long to wait before starting, and the running total including this request
     */
    Reservation reserve(String key, Duration slot, long tokens);

    /** No request of {@code key} starts within {@code delay} from now. */
    void pause(String key, Duration delay);

    /**
     * @param delay          until the reserved start (zero: now)
     * @param reservedTokens the key's running total of reserved tokens, this request included; orders
     *                       the requests of every process
     */
    record Reservation(Duration delay, long reservedTokens) {
    }
}

package dev.reporag.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code perMinute} questions may come at once, then one more every
 * 60/perMinute seconds. The map is pruned of full (idle) buckets so it cannot grow without bound.
 */
final class AskRateLimiter {
    private static final int PRUNE_ABOVE = 10_000;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final int perMinute;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    AskRateLimiter(int perMinute, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    /** Takes one question from the client's budget; returns 0 when allowed, else seconds to wait. */
    long acquire(String client) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(now)).take(now);
    }

    private final class Bucket {
        private double tokens = perMinute;
        private long updated;

        Bucket(long now) {
            updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanosPerToken = (double) MINUTE_NANOS / perMinute;
            long waitNanos = (long) Math.ceil((1 - tokens) * nanosPerToken);
            return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= perMinute;
        }

        private void refill(long now) {
            tokens = Math.min(perMinute, tokens + (now - updated) * (double) perMinute / MINUTE_NANOS);
            updated = now;
        }
    }
}

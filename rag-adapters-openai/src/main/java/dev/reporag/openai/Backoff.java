package dev.reporag.openai;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long to wait before the next attempt of a failed call. */
final class Backoff {
    private static final long BASE_MILLIS = 500;

    private Backoff() {
    }

    /**
     * A 429 waits what the server advised (retry-after-ms, Retry-After, else the relevant
     * x-ratelimit-reset-*); anything else, or a 429 without advice, backs off exponentially with
     * jitter. Both are capped.
     *
     * @param attempt the attempt that just failed, from 1
     */
    static Duration before(int attempt, CallFailure failure, Duration cap) {
        RateLimitHeaders headers = failure.headers();
        if (failure.kind() == CallFailure.Kind.RATE_LIMITED) {
            Duration advised = headers.retryAfter();
            if (advised == null) {
                advised = longest(headers.resetTokens(), headers.resetRequests());
            }
            if (advised != null) {
                // A little jitter so that requests told the same instant don't all return at it.
                return min(advised.plusMillis(ThreadLocalRandom.current().nextLong(0, 50)), cap);
            }
        }
        long ceiling = BASE_MILLIS << Math.min(attempt - 1, 16);
        long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return min(Duration.ofMillis(millis), cap);
    }

    private static Duration longest(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

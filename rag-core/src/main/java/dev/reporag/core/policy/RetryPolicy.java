package dev.reporag.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Exponential backoff with jitter for transient failures (5xx, timeouts, dropped connections), and
 * how many attempts one request gets before its job fails. 429s are not failures and never count.
 * A delay the server asked for (Retry-After) wins over the computed one, capped so one answer
 * cannot stall a job for hours.
 *
 * @param maxAttempts    attempts of one request that fail transiently, in a row, before giving up
 * @param initialDelay   the first backoff; each next one doubles, up to {@code maxDelay}
 * @param maxServerDelay cap on a Retry-After (and on a 429's wait)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxServerDelay) {
    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxServerDelay, "maxServerDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
    }

    /** 8 attempts, 0.5 s doubling to 30 s: a server down for about a minute fails the job. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    /** Whether another try is allowed after {@code failedAttempts} failures. */
    public boolean allowsRetry(int failedAttempts) {
        return failedAttempts < maxAttempts;
    }

    /**
     * The wait before the next try.
     *
     * @param failedAttempts failures so far, from 1
     * @param serverDelay    what the server asked for, if anything
     * @param random         a value in [0, 1) for jitter
     */
    public Duration delay(int failedAttempts, Optional<Duration> serverDelay, double random) {
        if (serverDelay.isPresent() && !serverDelay.get().isNegative()) {
            return capped(serverDelay.get());
        }
        long base = initialDelay.toMillis() << Math.min(failedAttempts - 1, 30);
        long capped = Math.min(Math.max(base, 0), maxDelay.toMillis());
        // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
        return Duration.ofMillis(capped / 2 + (long) (random * (capped / 2.0)));
    }

    /** A server-given wait, capped at {@code maxServerDelay}. */
    public Duration capped(Duration asked) {
        return asked.compareTo(maxServerDelay) > 0 ? maxServerDelay : asked;
    }
}

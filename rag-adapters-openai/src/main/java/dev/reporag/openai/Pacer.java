package dev.reporag.openai;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Spaces request starts so that requests and tokens per minute stay within budget, and RAG_DELAY
 * between starts when set. Each reservation pays for its request up front: the next start may
 * come no sooner than its tokens take to earn back at the budget's rate (no bursting, so the
 * server's own bucket never runs dry from our side). Budgets follow the server's
 * x-ratelimit-limit-* headers; x-ratelimit-remaining-* below what a request needs (another
 * process spending the same key) and 429s pause everyone.
 */
final class Pacer {
    private static final Logger LOG = LoggerFactory.getLogger(Pacer.class);
    private static final double MINUTE = 60e9;

    private final LongSupplier nanoClock;
    private final double headroom;
    private final long gapNanos;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private long nextStart;
    private long pausedUntil;
    private long lastStart;
    private boolean started;
    private long lastTokens;

    Pacer(SchedulerSettings settings, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.headroom = settings.headroom();
        this.gapNanos = settings.delay().toNanos();
        this.requestsPerMinute = settings.requestsPerMinute();
        this.tokensPerMinute = settings.tokensPerMinute();
        this.nextStart = nanoClock.getAsLong();
        this.pausedUntil = nextStart;
    }

    /** Reserves a start for a request of {@code tokens}; returns its time on the nano clock. */
    synchronized long reserve(long tokens) {
        long start = Math.max(Math.max(nanoClock.getAsLong(), pausedUntil), nextStart);
        if (started) {
            start = Math.max(start, lastStart + gapNanos);
        }
        double requestCost = MINUTE / (requestsPerMinute * headroom);
        double tokenCost = tokens * MINUTE / (tokensPerMinute * headroom);
        nextStart = start + (long) Math.max(requestCost, tokenCost);
        lastStart = start;
        started = true;
        lastTokens = tokens;
        return start;
    }

    /** Nobody starts before {@code nanoTime} (a 429's Retry-After applies to the whole key). */
    synchronized void pauseUntil(long nanoTime) {
        pausedUntil = Math.max(pausedUntil, nanoTime);
    }

    /** Adopts the server's budgets and backs off when its remaining counts run short. */
    synchronized void learn(RateLimitHeaders headers) {
        if (headers.limitRequests() > 0 && headers.limitRequests() != requestsPerMinute) {
            LOG.info("the API allows {} requests per minute (was assuming {})", headers.limitRequests(),
                    requestsPerMinute);
            requestsPerMinute = headers.limitRequests();
        }
        if (headers.limitTokens() > 0 && headers.limitTokens() != tokensPerMinute) {
            LOG.info("the API allows {} tokens per minute (was assuming {})", headers.limitTokens(), tokensPerMinute);
            tokensPerMinute = headers.limitTokens();
        }
        long now = nanoClock.getAsLong();
        if (headers.remainingTokens() >= 0 && headers.remainingTokens() < lastTokens) {
            long deficit = lastTokens - headers.remainingTokens();
            pauseUntil(now + (long) (deficit * MINUTE / tokensPerMinute));
        }
        if (headers.remainingRequests() == 0) {
            long wait = headers.resetRequests() != null ? headers.resetRequests().toNanos()
                    : (long) (MINUTE / requestsPerMinute);
            pauseUntil(now + wait);
        }
    }

    synchronized long requestsPerMinute() {
        return requestsPerMinute;
    }

    synchronized long tokensPerMinute() {
        return tokensPerMinute;
    }
}

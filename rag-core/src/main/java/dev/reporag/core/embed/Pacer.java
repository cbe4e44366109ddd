package dev.reporag.core.embed;

import dev.reporag.core.port.ServerReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.TreeMap;

/**
 * The pacing of one rate budget, following the server's own accounting. Each request occupies the
 * key's time line for as long as its tokens (and one request) take to earn back at
 * {@value #HEADROOM} of the budget; {@code RAG_DELAY} is a floor. What the server says corrects it:
 * <ul>
 *   <li>{@code x-ratelimit-limit-*} replace the budgets;</li>
 *   <li>{@code x-ratelimit-reset-tokens} (time until the bucket is full) and
 *   {@code x-ratelimit-remaining-tokens} give the bucket's deficit after each request: what the
 *   server charged for it (or, when the bucket had no time to fill, the deficit's growth against
 *   the tokens reserved meanwhile by every process, ordered by the shared running total). Charged
 *   against counted is the <b>ratio</b> between the server's count and ours (OpenAI meters rate
 *   limits from characters, another server with its tokenizer). Before any such sample,
 *   {@code usage} gives a first guess;</li>
 *   <li>the bucket's size ({@code remaining + reset × rate}) caps the tokens of one request;</li>
 *   <li>a 429 slows every start down by {@value #SLOW_DOWN} (once per round of requests in flight),
 *   and each success recovers {@value #RECOVERY} of the budget, up to all of it.</li>
 * </ul>
 * Thread-safe; times are on the {@code System.nanoTime()} clock.
 */
final class Pacer {
    private static final Logger log = LoggerFactory.getLogger(Pacer.class);
    /** Share of the budget used: room for arrival jitter and rounding in the server's counts. */
    static final double HEADROOM = 0.97;
    static final double SLOW_DOWN = 0.7;
    static final double RECOVERY = 0.02;
    private static final double MIN_FACTOR = 0.05;
    /** Weight of the previous samples of the ratio at each new one. */
    private static final double DECAY = 0.95;
    private static final double MIN_RATIO = 0.2;
    private static final double MAX_RATIO = 5;
    private static final double NANOS_PER_MINUTE = 60e9;

    private final long minGapNanos;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private double tokenCapacity;
    private double ratio = 1;
    private boolean ratioFromHeaders;
    private double consumed;
    private double estimated;
    private double factor = 1;
    private long lastSlowDown;
    private boolean slowedDown;
    private Sample last;
    /** Tokens of requests answered 429 (never charged), by their place in the running total. */
    private final TreeMap<Long, Long> uncharged = new TreeMap<>();

    private record Sample(long sentNanos, long reservedTokens, double deficit) {
    }

    Pacer(long requestsPerMinute, long tokensPerMinute, Duration minGap) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.minGapNanos = minGap.toNanos();
    }

    /** How long a request of {@code tokens} occupies the time line. */
    synchronized Duration slot(long tokens) {
        double minutes = 0;
        if (tokensPerMinute > 0) {
            minutes = tokens * ratio / (tokensPerMinute * HEADROOM * factor);
        }
        if (requestsPerMinute > 0) {
            minutes = Math.max(minutes, 1 / (requestsPerMinute * HEADROOM * factor));
        }
        return Duration.ofNanos(Math.max((long) (minutes * NANOS_PER_MINUTE), minGapNanos));
    }

    /** The most tokens (as we count them) one request should carry: half the server's bucket. */
    synchronized long tokenCap() {
        return tokenCapacity > 0 ? Math.max(1, (long) (tokenCapacity / 2 / ratio)) : Long.MAX_VALUE;
    }

    /**
     * Learns from a success. Returns how long every start should pause (the remaining budget is
     * short: someone else spends the key), or null.
     */
    synchronized Duration succeeded(long sentNanos, long reservedTokens, long tokens, ServerReport report) {
        learnLimits(report);
        factor = Math.min(1, factor + RECOVERY);
        double deficit = deficit(report);
        if (!Double.isNaN(deficit)) {
            sample(sentNanos, reservedTokens, tokens, deficit);
        } else if (!ratioFromHeaders && report.usageTokens() > 0) {
            ratio = clamp(report.usageTokens() / (double) Math.max(1, tokens));
        }
        if (report.remainingRequests() == 0) {
            return report.resetRequests() != null ? report.resetRequests()
                    : Duration.ofNanos((long) (NANOS_PER_MINUTE / Math.max(1, requestsPerMinute)));
        }
        double need = tokens * ratio;
        if (report.remainingTokens() >= 0 && report.remainingTokens() < need && tokensPerMinute > 0) {
            return Duration.ofNanos((long) ((need - report.remainingTokens()) * NANOS_PER_MINUTE / tokensPerMinute));
        }
        return null;
    }

    /**
     * A 429: slows down (once for all the requests that were in flight together) and returns how
     * long every start should wait: what the server asked, else the time its budget takes to refill.
     */
    synchronized Duration rateLimited(long sentNanos, long reservedTokens, long tokens, ServerReport report,
                                      long nowNanos) {
        learnLimits(report);
        uncharged.put(reservedTokens, tokens);
        if (!slowedDown || sentNanos - lastSlowDown > 0) {
            factor = Math.max(MIN_FACTOR, factor * SLOW_DOWN);
            lastSlowDown = nowNanos;
            slowedDown = true;
            log.info("rate limited (429): slowing down to {}% of the budget", Math.round(factor * 100));
        }
        if (report.retryAfter() != null) {
            return report.retryAfter();
        }
        Duration reset = longest(report.resetTokens(), report.resetRequests());
        return reset != null ? reset : Duration.ofSeconds(1);
    }

    synchronized long requestsPerMinute() {
        return requestsPerMinute;
    }

    synchronized long tokensPerMinute() {
        return tokensPerMinute;
    }

    synchronized double ratio() {
        return ratio;
    }

    synchronized double factor() {
        return factor;
    }

    private void learnLimits(ServerReport report) {
        if (report.limitRequests() > 0 && report.limitRequests() != requestsPerMinute) {
            log.info("the API allows {} requests per minute (was assuming {})", report.limitRequests(),
                    requestsPerMinute);
            requestsPerMinute = report.limitRequests();
        }
        if (report.limitTokens() > 0 && report.limitTokens() != tokensPerMinute) {
            log.info("the API allows {} tokens per minute (was assuming {})", report.limitTokens(), tokensPerMinute);
            tokensPerMinute = report.limitTokens();
        }
        if (tokensPerMinute > 0 && report.remainingTokens() >= 0 && report.resetTokens() != null) {
            double capacity = report.remainingTokens() + seconds(report.resetTokens()) * tokensPerMinute / 60;
            tokenCapacity = Math.max(capacity, tokenCapacity * 0.99);
        }
    }

    /** Tokens the server's bucket lacks after the answered request, or NaN when it did not say. */
    private double deficit(ServerReport report) {
        if (tokensPerMinute > 0 && report.resetTokens() != null) {
            return seconds(report.resetTokens()) * tokensPerMinute / 60;
        }
        if (report.remainingTokens() >= 0 && tokenCapacity > 0) {
            return Math.max(0, tokenCapacity - report.remainingTokens());
        }
        return Double.NaN;
    }

    /**
     * What the server charged, against what we counted. When the bucket cannot have filled up since
     * the previous answer (its deficit then exceeds what refilled since), the deficit's growth is
     * exactly what the server charged for every request reserved in between, any process's (those
     * answered 429 excepted). Otherwise the bucket was full before some request of the interval and
     * the deficit is at most what this request cost plus leftovers of requests just before it: an
     * upper bound, exact when requests are paced right, which only errs on the slow side.
     */
    private void sample(long sentNanos, long reservedTokens, long tokens, double deficit) {
        Sample previous = last;
        boolean later = previous == null || sentNanos - previous.sentNanos() > 0;
        double charged = deficit;
        long ours = tokens;
        if (previous != null && later && reservedTokens > previous.reservedTokens()) {
            double leftover = previous.deficit() - tokensPerMinute * (sentNanos - previous.sentNanos()) / NANOS_PER_MINUTE;
            if (leftover >= 0) {
                long notCharged = uncharged.subMap(previous.reservedTokens(), false, reservedTokens, true).values()
                        .stream().mapToLong(Long::longValue).sum();
                charged = deficit - leftover;
                ours = reservedTokens - previous.reservedTokens() - notCharged;
            }
        }
        if (later && ours > 0) {
            consumed = consumed * DECAY + charged;
            estimated = estimated * DECAY + ours;
            ratio = clamp(consumed / estimated);
            ratioFromHeaders = true;
            last = new Sample(sentNanos, reservedTokens, deficit);
            uncharged.headMap(reservedTokens, true).clear();
        }
    }

    private static double clamp(double value) {
        return Double.isNaN(value) ? 1 : Math.max(MIN_RATIO, Math.min(MAX_RATIO, value));
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static Duration longest(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }
}

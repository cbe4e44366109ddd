package dev.reporag.core.embed;

import dev.reporag.core.port.ServerReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * The pacing of one rate budget, following the server's own accounting. Each request occupies the
 * key's time line for as long as its tokens (and one request) take to earn back at
 * {@value #HEADROOM} of the budget; {@code RAG_DELAY} is a floor. What the server says corrects it:
 * <ul>
 *   <li>{@code x-ratelimit-limit-*} replace the budgets;</li>
 *   <li>{@code x-ratelimit-reset-tokens} (time until the bucket is full) and
 *   {@code x-ratelimit-remaining-tokens} give the bucket's deficit after each request: after a
 *   request that met a full bucket, what the server charged for it. Charged against counted is the
 *   <b>ratio</b> between the server's count and ours (OpenAI meters rate limits from characters,
 *   another server with its tokenizer). Before any such sample, {@code usage} gives a first guess;</li>
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
    /** Answers the ratio is the median of. */
    private static final int SAMPLES = 15;
    private static final double MIN_RATIO = 0.2;
    /** Requests sent this long after the first teach no ratio: a cold client sends its first ones out of order. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final double MAX_RATIO = 5;
    private static final double NANOS_PER_MINUTE = 60e9;

    private final long minGapNanos;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private double tokenCapacity;
    private double ratio = 1;
    private double loggedRatio = 1;
    private boolean ratioFromHeaders;
    private final Deque<double[]> samples = new ArrayDeque<>();
    private long billed;
    private long billedOurs;
    private double factor = 1;
    private long lastSlowDown;
    private boolean slowedDown;
    private Sample last;
    private Long firstSent;
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
        if (firstSent == null) {
            firstSent = sentNanos;
        }
        learnLimits(report);
        factor = Math.min(1, factor + RECOVERY);
        if (!ratioFromHeaders && report.usageTokens() > 0) {
            // A first guess, until the bucket says what it charges: what the server billed so far.
            billed += report.usageTokens();
            billedOurs += tokens;
            ratio = clamp(billed / (double) billedOurs);
            logRatio();
        }
        double deficit = deficit(report);
        if (!Double.isNaN(deficit)) {
            sample(sentNanos, reservedTokens, tokens, deficit);
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
     * Learns the ratio from what the server charged, known exactly in two cases. When, from the
     * previous answer's deficit, the requests reserved since (by every process, ordered by the
     * shared running total; those answered 429 excepted) would have refilled before this one was
     * sent, it met a full bucket: the deficit after it is what it cost. When instead the bucket had
     * no time to fill since the previous answer, the deficit's growth net of the refill is what
     * every request reserved in between cost. Other answers hold leftovers of unknown size and are
     * not used; answers to requests sent in a process's first seconds are not either (a cold client
     * sends its first requests out of order).
     */
    private void sample(long sentNanos, long reservedTokens, long tokens, double deficit) {
        Sample previous = last;
        boolean warm = sentNanos - firstSent > WARM_UP_NANOS;
        if (previous != null && warm && sentNanos - previous.sentNanos() > 0
                && reservedTokens > previous.reservedTokens()) {
            long notCharged = uncharged.subMap(previous.reservedTokens(), false, reservedTokens, false).values()
                    .stream().mapToLong(Long::longValue).sum();
            long between = reservedTokens - tokens - previous.reservedTokens() - notCharged;
            double leftover = previous.deficit()
                    - tokensPerMinute * (sentNanos - previous.sentNanos()) / NANOS_PER_MINUTE;
            if (between >= 0 && leftover + ratio * between <= 0) {
                learn(deficit, tokens);
            } else if (between >= 0 && leftover >= 0 && deficit > leftover) {
                learn(deficit - leftover, between + tokens);
            }
        }
        if (previous == null || sentNanos - previous.sentNanos() > 0) {
            last = new Sample(sentNanos, reservedTokens, deficit);
            uncharged.headMap(reservedTokens, true).clear();
        }
    }

    private void learn(double charged, long ours) {
        if (charged < 0.1 * ours) {
            return; // a server that reports its bucket before charging teaches nothing
        }
        // One answer moves the ratio at most twofold, and the ratio is the median of the last
        // answers: an answer misread (a request overtaken by another in flight) changes little.
        double sampled = Math.max(ratio / 2, Math.min(ratio * 2, charged / ours));
        samples.addLast(new double[]{sampled, ours});
        if (samples.size() > SAMPLES) {
            samples.removeFirst();
        }
        ratio = clamp(weightedMedian());
        ratioFromHeaders = true;
        logRatio();
    }

    private double weightedMedian() {
        List<double[]> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingDouble(sample -> sample[0]));
        double half = sorted.stream().mapToDouble(sample -> sample[1]).sum() / 2;
        double seen = 0;
        for (double[] sample : sorted) {
            seen += sample[1];
            if (seen >= half) {
                return sample[0];
            }
        }
        return ratio;
    }

    /** Says when the learned ratio moves by a tenth or more: what the server counts per token of ours. */
    private void logRatio() {
        if (Math.abs(ratio - loggedRatio) >= 0.1 * loggedRatio) {
            log.info("the API counts {} tokens for each token of ours (was {})", String.format("%.2f", ratio),
                    String.format("%.2f", loggedRatio));
            loggedRatio = ratio;
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

package dev.reporag.core.port;

import java.time.Duration;

/**
 * What an API said about its rate limits with one answer (a success or a 429): the budgets
 * ({@code x-ratelimit-limit-*}), what is left of them ({@code x-ratelimit-remaining-*}), the time
 * until they are full again ({@code x-ratelimit-reset-*}), the wait it asked for
 * ({@code Retry-After}) and the tokens it billed ({@code usage}). Absent counts are -1, absent
 * durations null. The core's dispatcher paces by it; an adapter only reads it off the response.
 *
 * @param usageTokens tokens the server billed for the request (its tokenizer's count), or -1
 */
public record ServerReport(long limitRequests, long limitTokens, long remainingRequests, long remainingTokens,
                           Duration resetRequests, Duration resetTokens, Duration retryAfter, long usageTokens) {
    public static final ServerReport NONE = new ServerReport(-1, -1, -1, -1, null, null, null, -1);

    public ServerReport withUsage(long tokens) {
        return new ServerReport(limitRequests, limitTokens, remainingRequests, remainingTokens, resetRequests,
                resetTokens, retryAfter, tokens);
    }

    public ServerReport withRetryAfter(Duration wait) {
        return new ServerReport(limitRequests, limitTokens, remainingRequests, remainingTokens, resetRequests,
                resetTokens, wait, usageTokens);
    }

    /** Whether the server told anything about its token budget's state. */
    public boolean hasTokenState() {
        return limitTokens > 0 && (resetTokens != null || remainingTokens >= 0);
    }
}

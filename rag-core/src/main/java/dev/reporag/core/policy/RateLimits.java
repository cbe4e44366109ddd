package dev.reporag.core.policy;

/**
 * The starting rate budget of the embedding API ({@code RAG_RPM}, {@code RAG_TPM}): requests and
 * tokens per minute. The server's own {@code x-ratelimit-limit-*} headers replace them once seen.
 * Zero means no limit of that kind (an embedder in this process has none).
 */
public record RateLimits(int requestsPerMinute, long tokensPerMinute) {
    public static final RateLimits NONE = new RateLimits(0, 0);
    /** OpenAI's tier-1 limits for text-embedding-3-small. */
    public static final RateLimits OPENAI_TIER_1 = new RateLimits(3_000, 1_000_000);

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
    }

    public boolean isNone() {
        return requestsPerMinute == 0 && tokensPerMinute == 0;
    }
}

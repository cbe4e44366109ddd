package dev.reporag.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How chunks are grouped into embedding requests and paced.
 *
 * @param maxInputs   texts per request (RAG_BATCH_SIZE)
 * @param maxTokens   estimated tokens per request
 * @param minDelay    the least time between the starts of two requests (RAG_DELAY)
 * @param concurrency requests of one job in flight at once
 */
public record BatchPolicy(int maxInputs, int maxTokens, Duration minDelay, int concurrency) {
    public static final int DEFAULT_BATCH_SIZE = 25;
    public static final int DEFAULT_MAX_TOKENS = 100_000;

    public BatchPolicy {
        Objects.requireNonNull(minDelay, "minDelay");
        if (maxInputs < 1 || maxTokens < 1 || concurrency < 1 || minDelay.isNegative()) {
            throw new IllegalArgumentException("batch size, token cap and concurrency must be positive,"
                    + " and the delay not negative");
        }
    }

    public static BatchPolicy defaults() {
        return new BatchPolicy(DEFAULT_BATCH_SIZE, DEFAULT_MAX_TOKENS, Duration.ZERO, 2);
    }

    /** A cheap, deliberately high estimate (code runs at ~3-4 characters per token). */
    public static int estimateTokens(String text) {
        return text.length() / 3 + 1;
    }

    /** Whether a request that holds {@code inputs} texts and {@code tokens} tokens can take one more text. */
    public boolean canAdd(int inputs, long tokens, int nextTokens) {
        return inputs == 0 || (inputs < maxInputs && tokens + nextTokens <= maxTokens);
    }
}

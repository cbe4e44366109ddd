package dev.reporag.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How embedding requests are shaped and sent, for the whole process.
 *
 * @param maxInputs   texts per request ({@code RAG_BATCH_SIZE})
 * @param maxTokens   tokens per request (as the embedder counts them); the dispatcher lowers it to
 *                    what the provider and the server's bucket allow
 * @param minDelay    the least time between the starts of two requests of the key ({@code RAG_DELAY})
 * @param concurrency requests in flight at once, across every job of the process ({@code RAG_CONCURRENCY})
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

    /**
     * Whether a request that holds {@code inputs} texts and {@code tokens} tokens can take one more
     * text of {@code nextTokens}, under a token cap of {@code tokenCap}. A request takes at least one text.
     */
    public boolean canAdd(int inputs, long tokens, long nextTokens, long tokenCap) {
        return inputs == 0 || (inputs < maxInputs && tokens + nextTokens <= Math.min(maxTokens, tokenCap));
    }
}

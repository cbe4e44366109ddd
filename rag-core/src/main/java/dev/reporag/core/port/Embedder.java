package dev.reporag.core.port;

import java.util.List;
import java.util.Optional;

/**
 * Turns text into vectors, one request at a time. An adapter sends, classifies failures and reports
 * what the server said; it neither batches, paces nor retries: the core's
 * {@code EmbeddingDispatcher} shapes requests, keeps them within the rate budget and retries them,
 * for every job of the process. Implementations are thread-safe.
 */
public interface Embedder {
    /** Identifies the model; a store built with another model refuses to open. */
    String modelId();

    int dimension();

    /**
     * The longest input, in characters, that the model reads in full. The core sizes chunks to fit
     * it (an embedder that windows long inputs itself may declare more than the model's own limit).
     */
    int maxInputChars();

    /**
     * Embeds texts in one request, one vector per text, in order.
     *
     * @throws EmbeddingException classified: rate limited, transient, too large or permanent
     */
    List<float[]> embedAll(List<String> texts);

    /**
     * Like {@link #embedAll}, with what the server said about its limits. Adapters of rate-limited
     * APIs override it; the dispatcher calls this one.
     */
    default EmbeddingResult embed(List<String> texts) {
        return new EmbeddingResult(embedAll(texts), ServerReport.NONE);
    }

    /**
     * The tokens the provider counts against its rate limit for {@code text}, as it counts them (an
     * estimate is fine: the dispatcher learns the ratio to the server's own count). By default a
     * quarter of the characters.
     */
    default long countTokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    /**
     * The tokens the provider bills for {@code text} and reports as usage (its tokenizer's count),
     * which cost estimates and per-job budgets use. By default {@link #countTokens}.
     */
    default long billedTokens(String text) {
        return countTokens(text);
    }

    /** The provider's cap on inputs in one request. */
    default int maxInputsPerRequest() {
        return Integer.MAX_VALUE;
    }

    /** The provider's cap on tokens (as {@link #countTokens} counts them) in one request. */
    default long maxTokensPerRequest() {
        return Long.MAX_VALUE;
    }

    /**
     * Names the rate budget this embedder spends, the same for every process that uses the same
     * key, endpoint and model (a hash: never the key itself); empty for an embedder without rate
     * limits, such as one running in this process.
     */
    default Optional<String> rateLimitKey() {
        return Optional.empty();
    }

    /**
     * Called when work that will count or embed texts starts (a job, a question): an embedder may
     * begin loading, off the caller's thread, what its first call needs (a tokenizer, an HTTP
     * client), so that a process that never embeds (a status command) never loads it. Never needed
     * for correctness: the first call loads what is missing.
     */
    default void prepare() {
    }
}

package dev.reporag.core.port;

import java.time.Duration;
import java.util.Optional;

/**
 * An embedding call failed. {@code retryable} says whether the same call may succeed later (rate
 * limit, server error, timeout); {@code retryAfter} is the delay the server asked for, if any.
 * An embedder that retries by itself throws a non-retryable exception once it gives up.
 */
public class EmbeddingException extends RagException {
    private final boolean retryable;
    private final Duration retryAfter;

    public EmbeddingException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static EmbeddingException permanent(String message) {
        return new EmbeddingException(message, false, null, null);
    }

    public static EmbeddingException transientFailure(String message, Duration retryAfter) {
        return new EmbeddingException(message, true, retryAfter, null);
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

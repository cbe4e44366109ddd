package dev.reporag.core.port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One embedding request failed, classified by the adapter so that the core's dispatcher knows what
 * to do: wait and slow down ({@link Kind#RATE_LIMITED}), back off and try again
 * ({@link Kind#TRANSIENT}), split the request ({@link Kind#TOO_LARGE}) or give up
 * ({@link Kind#PERMANENT}). The message is one a user can act on and never carries a secret.
 */
public class EmbeddingException extends RagException {
    /** What a failure means for the request that met it. */
    public enum Kind {
        /** 429: back-pressure. The server keeps answering; never a failed attempt. */
        RATE_LIMITED,
        /** 5xx, timeouts, dropped connections, malformed answers: the same request may succeed later. */
        TRANSIENT,
        /** The request (or its answer) was too large: smaller requests may succeed. */
        TOO_LARGE,
        /** 401, 400, 404, wrong dimension, no quota: retrying cannot help. */
        PERMANENT
    }

    private final Kind kind;
    private final transient ServerReport report;

    public EmbeddingException(String message, Kind kind, ServerReport report, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.report = report == null ? ServerReport.NONE : report;
    }

    /** A failure that is {@link Kind#TRANSIENT} when {@code retryable}, else {@link Kind#PERMANENT}. */
    public EmbeddingException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        this(message, retryable ? Kind.TRANSIENT : Kind.PERMANENT, retryAfter == null ? null
                : ServerReport.NONE.withRetryAfter(retryAfter), cause);
    }

    public static EmbeddingException permanent(String message) {
        return new EmbeddingException(message, Kind.PERMANENT, null, null);
    }

    public static EmbeddingException transientFailure(String message, Duration retryAfter) {
        return new EmbeddingException(message, true, retryAfter, null);
    }

    public static EmbeddingException rateLimited(String message, ServerReport report) {
        return new EmbeddingException(message, Kind.RATE_LIMITED, report, null);
    }

    public static EmbeddingException tooLarge(String message) {
        return new EmbeddingException(message, Kind.TOO_LARGE, null, null);
    }

    public Kind kind() {
        return kind;
    }

    public ServerReport report() {
        return report;
    }

    /** Whether the same request may succeed later (rate limited or transient). */
    public boolean retryable() {
        return kind == Kind.RATE_LIMITED || kind == Kind.TRANSIENT;
    }

    /** The wait the server asked for, if any. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(report.retryAfter());
    }
}

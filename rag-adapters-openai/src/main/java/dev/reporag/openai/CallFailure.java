package dev.reporag.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.reporag.core.port.EmbeddingException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;

/**
 * One failed API call, classified: whether waiting and trying again may help, and a message a user
 * can act on. Messages never carry the key, a URL's credentials or a 401 body (OpenAI's echoes
 * part of the key).
 */
final class CallFailure extends RuntimeException {
    enum Kind {
        /** 429: wait what the server advised, then retry. */
        RATE_LIMITED,
        /** 5xx, 408, 409, timeouts, connection failures, malformed responses: back off, retry. */
        TRANSIENT,
        /** 413, a 400 about size, or an answer over the size limit: a smaller request may succeed. */
        TOO_LARGE,
        /** 400, 401, 403, 404, no quota, unknown host: retrying cannot help. */
        PERMANENT,
        /** The calling thread was interrupted: the job is stopping. */
        CANCELLED
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How OpenAI-compatible servers word a 400 for a request or input that is too large. */
    private static final java.util.regex.Pattern SIZE_MESSAGE = java.util.regex.Pattern.compile(
            "maximum context length|tokens per request|too many (?:tokens|inputs)|at most \\d+ inputs"
                    + "|too (?:long|large)|maximum (?:input|request) (?:length|size)",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern KEY_LIKE =
            java.util.regex.Pattern.compile("\\b(?:sk|gsk|key)[-_][A-Za-z0-9_*.\\-]{3,}");

    private final Kind kind;
    private final int status;
    private final transient RateLimitHeaders headers;
    private boolean timedOut;
    private boolean responseTooLarge;

    CallFailure(Kind kind, int status, String message, RateLimitHeaders headers, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
        this.headers = headers == null ? RateLimitHeaders.NONE : headers;
    }

    static CallFailure malformed(String provider, String what) {
        return new CallFailure(Kind.TRANSIENT, 0, provider + " sent a malformed response (" + what + ")", null, null);
    }

    Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no response. */
    int status() {
        return status;
    }

    RateLimitHeaders headers() {
        return headers;
    }

    /** Whether the call ran out of time (it already cost the whole timeout: not worth trying again for a user). */
    boolean timedOut() {
        return timedOut;
    }

    /** Whether the answer (not the request) was over the size limit. */
    boolean responseTooLarge() {
        return responseTooLarge;
    }

    /** The core's view of this failure, with what the server said. */
    EmbeddingException toEmbeddingException() {
        EmbeddingException.Kind mapped = switch (kind) {
            case RATE_LIMITED -> EmbeddingException.Kind.RATE_LIMITED;
            case TRANSIENT, CANCELLED -> EmbeddingException.Kind.TRANSIENT;
            case TOO_LARGE -> EmbeddingException.Kind.TOO_LARGE;
            case PERMANENT -> EmbeddingException.Kind.PERMANENT;
        };
        return new EmbeddingException(getMessage(), mapped, headers.toReport(-1), null);
    }

    /**
     * Classifies whatever LangChain4j or the HTTP seam threw.
     *
     * @param baseUrl the API's base URL: messages name it as {@link Endpoint#provider} does
     */
    static CallFailure classify(Throwable thrown, String baseUrl, String model, Duration timeout) {
        if (thrown instanceof CallFailure failure) {
            return failure;
        }
        String provider = Endpoint.provider(baseUrl);
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LimitedBody.TooLarge tooLarge) {
                CallFailure failure = new CallFailure(Kind.TOO_LARGE, 0, provider + " sent " + tooLarge.getMessage()
                        .replace("the response was", "a response") + "; it is not read", null, thrown);
                failure.responseTooLarge = true;
                return failure;
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpStatusException http) {
                return fromStatus(http.statusCode(), RateLimitHeaders.parse(http.headers()), http.body(), baseUrl,
                        model, thrown);
            }
            if (t instanceof HttpException http) {
                // LangChain4j's JDK client (streams) keeps no headers.
                return fromStatus(http.statusCode(), RateLimitHeaders.NONE, http.getMessage(), baseUrl, model,
                        thrown);
            }
            if (t instanceof ObservedHttpClient.CancelledCall || t instanceof InterruptedException) {
                return new CallFailure(Kind.CANCELLED, 0, "the call to " + provider + " was interrupted", null, thrown);
            }
            if (t instanceof HttpTimeoutException || t instanceof dev.langchain4j.exception.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                CallFailure failure = new CallFailure(Kind.TRANSIENT, 0, provider + " did not answer within "
                        + seconds(timeout), null, thrown);
                failure.timedOut = true;
                return failure;
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new CallFailure(Kind.PERMANENT, 0, "cannot resolve the host of " + provider
                        + "; check the base URL", null, thrown);
            }
            if (t instanceof ConnectException) {
                return new CallFailure(Kind.TRANSIENT, 0, "could not connect to " + provider, null, thrown);
            }
            if (t instanceof JacksonException) {
                return malformed(provider, "not the JSON expected");
            }
            if (t instanceof IOException io) {
                return new CallFailure(Kind.TRANSIENT, 0, "the connection to " + provider + " failed ("
                        + shortened(io.getMessage() == null ? "no detail" : io.getMessage(), 120)
                        + ")", null, thrown);
            }
        }
        return new CallFailure(Kind.PERMANENT, 0, "the call to " + provider + " failed unexpectedly ("
                + dev.reporag.core.policy.ErrorWords.of(thrown) + "; the log has the details)", null, thrown);
    }

    private static CallFailure fromStatus(int status, RateLimitHeaders headers, String body, String baseUrl,
                                          String model, Throwable cause) {
        String provider = Endpoint.provider(baseUrl);
        String detail = errorMessage(body);
        if (status == 429) {
            if ("insufficient_quota".equals(errorCode(body))) {
                return new CallFailure(Kind.PERMANENT, status, "the " + provider
                        + " account has run out of quota (429 insufficient_quota); check its plan and billing",
                        headers, cause);
            }
            return new CallFailure(Kind.RATE_LIMITED, status, provider + " rate limit reached (429)", headers, cause);
        }
        if (status >= 500 && detail.contains("unsupported value: NaN")) {
            // Ollama could not write a vector of NaN (fp16 overflow on this text): in parts it usually can.
            return new CallFailure(Kind.TOO_LARGE, status, provider + " answered " + status + ": " + detail
                    + " (a vector of NaN values: the input is embedded in parts)", headers, cause);
        }
        if (status >= 500 || status == 408 || status == 409) {
            return new CallFailure(Kind.TRANSIENT, status, provider + " answered " + status
                    + (detail.isEmpty() ? "" : ": " + detail), headers, cause);
        }
        if (status == 413 || status == 400 && SIZE_MESSAGE.matcher(detail).find()) {
            return new CallFailure(Kind.TOO_LARGE, status, provider + " refused the request as too large (" + status
                    + ")" + (detail.isEmpty() ? "" : ": " + detail), headers, cause);
        }
        String message = switch (status) {
            case 401 -> provider.startsWith("OpenAI-compatible")
                    ? "the API key was rejected (401) by the " + provider
                    : "the " + provider + " API key was rejected (401)";
            case 403 -> provider + " refused access (403) to model '" + model
                    + "'; check the key's permissions" + (detail.isEmpty() ? "" : ": " + detail);
            case 404 -> "model '" + model + "' was not found (404) at " + provider
                    + "; check the model name and the base URL" + versionHint(baseUrl);
            case 400 -> provider + " rejected the request (400)" + (detail.isEmpty() ? "" : ": " + detail);
            default -> provider + " refused the request (" + status + ")" + (detail.isEmpty() ? "" : ": " + detail);
        };
        return new CallFailure(Kind.PERMANENT, status, message, headers, cause);
    }

    /**
     * The likely cause of a 404 from a base URL without a version in its path (Ollama's
     * {@code http://localhost:11434}, where its OpenAI-compatible API is {@code …/v1}); "" otherwise.
     */
    private static String versionHint(String baseUrl) {
        if (baseUrl == null || baseUrl.matches("(?i).*/v\\d+[a-z]*(?:/.*)?")) {
            return "";
        }
        return " (the base URL " + Endpoint.display(baseUrl) + " has no /v1 in its path, where OpenAI-compatible"
                + " servers serve: try …/v1)";
    }

    /**
     * The error's own message, shortened; "" if none. OpenAI's is {@code {"error": {"message": …}}};
     * OpenAI-compatible servers write theirs otherwise: {@code {"message": …}} (vLLM, text-embeddings-
     * inference's OpenAI route), {@code {"error": "…"}} (text-embeddings-inference), {@code {"detail":
     * "…"}} or {@code {"detail": [{"msg": …}]}} (servers on FastAPI, such as Infinity), {@code {"message":
     * {"detail": [{"msg": …}]}}} (Mistral).
     */
    private static String errorMessage(String body) {
        JsonNode error = error(body);
        if (error != null) {
            return shortened(error.path("message").asText(""), 300);
        }
        JsonNode root = json(body);
        if (root == null || !root.isObject()) {
            return "";
        }
        JsonNode detail = root.path("message").isObject() ? root.path("message").path("detail") // Mistral's
                : root.path("detail");
        if (detail.isArray() && detail.size() > 0) {
            detail = detail.get(0).path("msg");
        }
        for (JsonNode message : List.of(root.path("message"), root.path("error"), detail)) {
            if (message.isTextual() && !message.asText().isBlank()) {
                return shortened(message.asText(), 300);
            }
        }
        return "";
    }

    private static String errorCode(String body) {
        JsonNode error = error(body);
        return error == null ? "" : error.path("code").asText("");
    }

    private static JsonNode error(String body) {
        JsonNode root = json(body);
        JsonNode error = root == null ? null : root.path("error");
        return error != null && error.isObject() ? error : null;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String shortened(String text, int max) {
        // A server may echo a key in an error; keys look like sk-…, sk-proj-…, gsk_….
        String oneLine = KEY_LIKE.matcher(text).replaceAll("[redacted]").replaceAll("\\s+", " ").trim();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }

    static String seconds(Duration timeout) {
        if (timeout == null) {
            return "the timeout";
        }
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}

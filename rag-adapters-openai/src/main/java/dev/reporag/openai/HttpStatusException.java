package dev.reporag.openai;

import dev.langchain4j.exception.HttpException;

import java.util.List;
import java.util.Map;

/**
 * An HTTP error response with its headers. LangChain4j's own {@code HttpException} drops the
 * headers, and with them Retry-After and the rate-limit counts; it keeps this one as the cause of
 * whatever it maps it to, so the scheduler finds it there.
 */
final class HttpStatusException extends HttpException {
    private final transient Map<String, List<String>> headers;
    private final String body;

    HttpStatusException(int statusCode, Map<String, List<String>> headers, String body) {
        // The body can echo part of the key (OpenAI's 401 does): it is kept, never used as a message.
        super(statusCode, "HTTP " + statusCode);
        this.headers = headers == null ? Map.of() : headers;
        this.body = body == null ? "" : body;
    }

    Map<String, List<String>> headers() {
        return headers;
    }

    String body() {
        return body;
    }
}

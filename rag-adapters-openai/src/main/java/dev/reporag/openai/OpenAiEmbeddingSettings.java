package dev.reporag.openai;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach an OpenAI-compatible embeddings API. The composition root fills it from
 * {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code RAG_EMBEDDING_MODEL},
 * {@code RAG_EMBEDDING_DIMENSIONS} and {@code RAG_TIMEOUT}; this class reads no environment.
 *
 * @param apiKey     sent as a bearer token, never logged or put in a message
 * @param baseUrl    the API root, e.g. {@code https://api.openai.com/v1}
 * @param model      the embedding model
 * @param dimensions the vector length to ask for through the API's {@code dimensions} parameter,
 *                   or 0 for the model's own length
 * @param timeout    bound on each HTTP call
 */
public record OpenAiEmbeddingSettings(String apiKey, String baseUrl, String model, int dimensions, Duration timeout) {
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_MODEL = "text-embedding-3-small";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public OpenAiEmbeddingSettings {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("the OpenAI API key is empty");
        }
        baseUrl = Endpoint.normalize(baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl);
        model = model == null || model.isBlank() ? DEFAULT_MODEL : model.trim();
        if (dimensions < 0) {
            throw new IllegalArgumentException("embedding dimensions must be positive, was " + dimensions);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** OpenAI's API with the default model, its full dimension and a 60 s timeout. */
    public static OpenAiEmbeddingSettings of(String apiKey) {
        return new OpenAiEmbeddingSettings(apiKey, DEFAULT_BASE_URL, DEFAULT_MODEL, 0, DEFAULT_TIMEOUT);
    }

    public OpenAiEmbeddingSettings withBaseUrl(String baseUrl) {
        return new OpenAiEmbeddingSettings(apiKey, baseUrl, model, dimensions, timeout);
    }

    public OpenAiEmbeddingSettings withModel(String model) {
        return new OpenAiEmbeddingSettings(apiKey, baseUrl, model, dimensions, timeout);
    }

    /** Shortens vectors through the API's {@code dimensions} parameter (text-embedding-3 models). */
    public OpenAiEmbeddingSettings withDimensions(int dimensions) {
        return new OpenAiEmbeddingSettings(apiKey, baseUrl, model, dimensions, timeout);
    }

    public OpenAiEmbeddingSettings withTimeout(Duration timeout) {
        return new OpenAiEmbeddingSettings(apiKey, baseUrl, model, dimensions, timeout);
    }

    @Override
    public String toString() {
        // Records print every component; the key must never reach a log.
        return "OpenAiEmbeddingSettings[baseUrl=" + Endpoint.display(baseUrl) + ", model=" + model
                + ", dimensions=" + dimensions + ", timeout=" + timeout + "]";
    }
}

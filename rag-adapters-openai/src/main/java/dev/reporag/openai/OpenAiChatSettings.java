package dev.reporag.openai;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach an OpenAI-compatible chat completions API (OpenAI, Groq, or any compatible server).
 * The composition root fills it from {@code GROQ_API_KEY}, {@code GROQ_BASE_URL},
 * {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code RAG_CHAT_MODEL} and {@code RAG_TIMEOUT},
 * usually through {@link #select}; this class reads no environment.
 *
 * @param apiKey  sent as a bearer token, never logged or put in a message
 * @param baseUrl the API root
 * @param model   the chat model
 * @param timeout bound on each attempt, from sending it to the last byte (a streamed answer included)
 */
public record OpenAiChatSettings(String apiKey, String baseUrl, String model, Duration timeout) {
    public static final String OPENAI_BASE_URL = OpenAiEmbeddingSettings.DEFAULT_BASE_URL;
    public static final String GROQ_BASE_URL = "https://api.groq.com/openai/v1";
    public static final String DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
    /** Groq's general-purpose production model with a 128k context. */
    public static final String DEFAULT_GROQ_MODEL = "llama-3.3-70b-versatile";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public OpenAiChatSettings {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("the chat API key is empty");
        }
        baseUrl = Endpoint.normalize(Objects.requireNonNull(baseUrl, "baseUrl"));
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("the chat model name is empty");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    public static OpenAiChatSettings openAi(String apiKey) {
        return new OpenAiChatSettings(apiKey, OPENAI_BASE_URL, DEFAULT_OPENAI_MODEL, DEFAULT_TIMEOUT);
    }

    public static OpenAiChatSettings groq(String apiKey) {
        return new OpenAiChatSettings(apiKey, GROQ_BASE_URL, DEFAULT_GROQ_MODEL, DEFAULT_TIMEOUT);
    }

    /**
     * The product's rule: a Groq key selects Groq (at {@code groqBaseUrl} when given, else
     * {@link #GROQ_BASE_URL}, with {@link #DEFAULT_GROQ_MODEL}); otherwise an OpenAI key selects
     * OpenAI, or the server at {@code openAiBaseUrl} when given. A {@code model} overrides the
     * default of whichever is chosen. Empty when there is no key, in which case the product answers
     * extractively.
     */
    public static Optional<OpenAiChatSettings> select(String openAiKey, String openAiBaseUrl, String groqKey,
                                                      String groqBaseUrl, String model) {
        OpenAiChatSettings chosen;
        if (present(groqKey)) {
            chosen = groq(groqKey.trim());
            if (present(groqBaseUrl)) {
                chosen = chosen.withBaseUrl(groqBaseUrl.trim());
            }
        } else if (present(openAiKey)) {
            chosen = openAi(openAiKey.trim());
            if (present(openAiBaseUrl)) {
                chosen = chosen.withBaseUrl(openAiBaseUrl.trim());
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(present(model) ? chosen.withModel(model.trim()) : chosen);
    }

    public OpenAiChatSettings withBaseUrl(String baseUrl) {
        return new OpenAiChatSettings(apiKey, baseUrl, model, timeout);
    }

    public OpenAiChatSettings withModel(String model) {
        return new OpenAiChatSettings(apiKey, baseUrl, model, timeout);
    }

    public OpenAiChatSettings withTimeout(Duration timeout) {
        return new OpenAiChatSettings(apiKey, baseUrl, model, timeout);
    }

    /** True when this talks to Groq. */
    public boolean isGroq() {
        return Endpoint.isGroq(baseUrl);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "OpenAiChatSettings[baseUrl=" + Endpoint.display(baseUrl) + ", model=" + model + ", timeout="
                + timeout + "]";
    }
}

package dev.reporag.core.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What embedding costs, in US dollars per million tokens, by model id as the embedders name them
 * ({@code openai:text-embedding-3-small}). OpenAI's list prices (standard tier,
 * as published in 2026) are the defaults; {@code RAG_EMBEDDING_PRICE_PER_MTOK} overrides them for any
 * model. A model running in this process costs nothing; an unknown one has no price.
 */
public final class EmbeddingPrices {
    /** Defaults, by OpenAI model name. */
    public static final Map<String, Double> OPENAI = Map.of(
            "text-embedding-3-small", 0.02,
            "text-embedding-3-large", 0.13,
            "text-embedding-ada-002", 0.10);

    private EmbeddingPrices() {
    }

    /**
     * @param inProcess whether the model runs in this process (no API, no bill)
     * @param override  a price set in configuration, or null for the table's
     */
    public static Optional<Double> perMillionTokens(String modelId, boolean inProcess, Double override) {
        if (override != null) {
            return Optional.of(override);
        }
        if (inProcess) {
            return Optional.of(0.0);
        }
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.startsWith("openai:")) {
            String model = id.substring("openai:".length());
            int dims = model.indexOf(':');
            return Optional.ofNullable(OPENAI.get(dims < 0 ? model : model.substring(0, dims)));
        }
        return Optional.empty();
    }
}

package dev.reporag.openai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModelName;
import dev.reporag.core.port.Embedder;

import java.util.ArrayList;
import java.util.List;

/**
 * Embeds through an OpenAI-compatible {@code /embeddings} API. LangChain4j builds the requests and
 * reads the responses; every call goes through the shared {@link RequestScheduler}, which packs,
 * paces and retries (LangChain4j's own retries are off).
 */
public final class OpenAiEmbedder implements Embedder {
    /** Placeholder for blank inputs, which the API refuses. */
    private static final String BLANK = "<empty>";
    /**
     * Code runs about 3-4 characters per cl100k token; 16,000 characters fit the 8,192-token input
     * limit with room to spare, and longer inputs are windowed rather than refused.
     */
    private static final int MAX_INPUT_CHARS = 16_000;

    private final OpenAiEmbeddingSettings settings;
    private final RequestScheduler scheduler;
    private final OpenAiEmbeddingModel model;
    private final String provider;
    private volatile int dimension;

    public OpenAiEmbedder(OpenAiEmbeddingSettings settings, RequestScheduler scheduler) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.provider = Endpoint.provider(settings.baseUrl());
        this.model = OpenAiEmbeddingModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(
                        headers -> scheduler.observe(RateLimitHeaders.parse(headers))))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .dimensions(settings.dimensions() > 0 ? settings.dimensions() : null)
                .timeout(settings.timeout())
                .maxRetries(0)
                .maxSegmentsPerBatch(Math.max(scheduler.settings().inputsPerRequest(), 1))
                // As OpenAI's own SDKs do: a quarter of the bytes of JSON numbers, and faster to read.
                .encodingFormat("base64")
                .build();
        Integer known = settings.dimensions() > 0 ? Integer.valueOf(settings.dimensions())
                : OpenAiEmbeddingModelName.knownDimension(settings.model());
        this.dimension = known == null ? 0 : known;
    }

    @Override
    public String modelId() {
        String id = "openai:" + settings.model();
        return settings.dimensions() > 0 ? id + ":" + settings.dimensions() : id;
    }

    /** Known without a call for OpenAI's models or when dimensions are set; else asked once. */
    @Override
    public int dimension() {
        int known = dimension;
        if (known == 0) {
            synchronized (this) {
                if (dimension == 0) {
                    dimension = scheduler.embed(List.of("dimension probe"), this::call).get(0).length;
                }
                known = dimension;
            }
        }
        return known;
    }

    @Override
    public int maxInputChars() {
        return MAX_INPUT_CHARS;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<String> inputs = new ArrayList<>(texts.size());
        for (String text : texts) {
            inputs.add(text == null || text.isBlank() ? BLANK : text);
        }
        return scheduler.embed(inputs, this::call);
    }

    private List<float[]> call(List<String> inputs) {
        List<Embedding> embeddings;
        try {
            embeddings = model.embedAll(inputs.stream().map(TextSegment::from).toList()).content();
        } catch (RuntimeException e) {
            throw CallFailure.classify(e, provider, settings.model(), settings.timeout());
        }
        if (embeddings == null || embeddings.size() != inputs.size()) {
            throw CallFailure.malformed(provider, (embeddings == null ? 0 : embeddings.size()) + " vectors for "
                    + inputs.size() + " inputs");
        }
        int expected = dimension;
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            float[] vector = embedding.vector();
            if (expected > 0 && vector.length != expected) {
                throw new CallFailure(CallFailure.Kind.PERMANENT, 0, provider + " returned vectors of "
                        + vector.length + " dimensions where " + expected + " were expected; check the model ('"
                        + settings.model() + "') and its dimensions setting", null, null);
            }
            vectors.add(vector);
        }
        return vectors;
    }

    @Override
    public String toString() {
        return "OpenAiEmbedder[" + settings + "]";
    }

}

package dev.reporag.core.memory;

import dev.reporag.core.port.Embedder;

import java.util.List;
import java.util.function.Function;

/** The hashing embedder's model and shape, with a request that does what a test needs. */
public final class HashingEmbedderWith implements Embedder {
    private final HashingEmbedder hashing;
    private final Function<List<String>, List<float[]>> embedAll;

    public HashingEmbedderWith(Function<List<String>, List<float[]>> embedAll) {
        this(new HashingEmbedder(), embedAll);
    }

    /** With the model id and shape of this hashing embedder. */
    public HashingEmbedderWith(HashingEmbedder hashing, Function<List<String>, List<float[]>> embedAll) {
        this.hashing = hashing;
        this.embedAll = embedAll;
    }

    @Override
    public String modelId() {
        return hashing.modelId();
    }

    @Override
    public int dimension() {
        return hashing.dimension();
    }

    @Override
    public int maxInputChars() {
        return hashing.maxInputChars();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return embedAll.apply(texts);
    }
}

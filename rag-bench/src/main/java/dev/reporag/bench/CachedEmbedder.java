package dev.reporag.bench;

import dev.reporag.core.port.Embedder;

import java.util.List;

/** repo-rag's embedder with a {@link VectorCache} in front: the same vectors, computed once. */
final class CachedEmbedder implements Embedder {
    private final Embedder embedder;
    private final VectorCache cache;

    CachedEmbedder(Embedder embedder, VectorCache cache) {
        this.embedder = embedder;
        this.cache = cache;
    }

    @Override
    public String modelId() {
        return embedder.modelId();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public int maxInputChars() {
        return embedder.maxInputChars();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return cache.get(texts, embedder::embedAll);
    }
}

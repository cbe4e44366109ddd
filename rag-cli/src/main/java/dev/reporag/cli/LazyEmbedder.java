package dev.reporag.cli;

import dev.reporag.core.port.Embedder;

import java.util.List;
import java.util.function.Supplier;

/**
 * An embedder whose model is loaded on the first text to embed. What the rest of the program asks
 * before that (the model's id and dimension, to open the store; the input size, to size chunks) is
 * known without it, so commands that never embed (status, add, migrate, a server whose workers run
 * elsewhere until a question comes) never load the in-process model (seconds and hundreds of MB).
 */
final class LazyEmbedder implements Embedder, AutoCloseable {
    private final String modelId;
    private final int dimension;
    private final int maxInputChars;
    private final Supplier<? extends Embedder> loader;
    private volatile Embedder loaded;

    LazyEmbedder(String modelId, int dimension, int maxInputChars, Supplier<? extends Embedder> loader) {
        this.modelId = modelId;
        this.dimension = dimension;
        this.maxInputChars = maxInputChars;
        this.loader = loader;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxInputChars() {
        return maxInputChars;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return model().embedAll(texts);
    }

    /** The model's own count, which loads it. */
    @Override
    public long billedTokens(String text) {
        return model().billedTokens(text);
    }

    boolean isLoaded() {
        return loaded != null;
    }

    private Embedder model() {
        Embedder model = loaded;
        if (model == null) {
            synchronized (this) {
                if (loaded == null) {
                    Embedder made = loader.get();
                    if (!made.modelId().equals(modelId) || made.dimension() != dimension) {
                        throw new IllegalStateException("the model loaded is " + made.modelId() + " ("
                                + made.dimension() + " dimensions), not the " + modelId + " expected");
                    }
                    loaded = made;
                }
                model = loaded;
            }
        }
        return model;
    }

    @Override
    public synchronized void close() throws Exception {
        if (loaded instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}

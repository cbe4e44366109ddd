package dev.reporag.core.port;

import java.util.List;

/** Turns text into vectors. Implementations are thread-safe. */
public interface Embedder {
    /** Identifies the model; a store built with another model refuses to open. */
    String modelId();

    int dimension();

    /**
     * The longest input, in characters, that the model reads in full. The core sizes chunks to fit
     * it (an embedder that windows long inputs itself may declare more than the model's own limit).
     */
    int maxInputChars();

    /**
     * Embeds texts, one vector per text, in order.
     *
     * @throws EmbeddingException saying whether a retry may help
     */
    List<float[]> embedAll(List<String> texts);
}

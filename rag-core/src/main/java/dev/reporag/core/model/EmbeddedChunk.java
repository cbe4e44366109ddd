package dev.reporag.core.model;

import java.util.Objects;

/**
 * A chunk with its vector, as stored.
 *
 * @param key the {@link EmbeddingKey} the vector is kept under: chunks with one key share one vector
 */
public record EmbeddedChunk(Chunk chunk, float[] vector, String key) {
    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(key, "key");
        if (vector.length == 0) {
            throw new IllegalArgumentException("empty vector for chunk " + chunk.id());
        }
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("an embedding key is 1 to 200 characters");
        }
    }

    /** A vector without a key of its own: keyed by the chunk and the vector, so shared with nothing. */
    public EmbeddedChunk(Chunk chunk, float[] vector) {
        this(chunk, vector, EmbeddingKey.ofVector(Objects.requireNonNull(chunk, "chunk"),
                Objects.requireNonNull(vector, "vector")));
    }
}

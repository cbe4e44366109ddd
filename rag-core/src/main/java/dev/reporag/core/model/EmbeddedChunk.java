package dev.reporag.core.model;

import java.util.Objects;

/**
 * A chunk with its vector, as stored.
 *
 * @param vector the vector, or null when the store holds it already under {@code key} ({@link #byKey})
 * @param key    the {@link EmbeddingKey} the vector is kept under: chunks with one key share one vector
 */
public record EmbeddedChunk(Chunk chunk, float[] vector, String key) {
    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(key, "key");
        if (vector != null && vector.length == 0) {
            throw new IllegalArgumentException("empty vector for chunk " + chunk.id());
        }
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("an embedding key is 1 to 200 characters");
        }
    }

    /**
     * A chunk whose vector the store holds already under {@code key} (from any project): written
     * without sending or parsing the vector again. See {@link dev.reporag.core.port.VectorStore#upsert}.
     */
    public static EmbeddedChunk byKey(Chunk chunk, String key) {
        return new EmbeddedChunk(chunk, null, key);
    }

    /** False for a chunk {@link #byKey by key}. */
    public boolean hasVector() {
        return vector != null;
    }

    /** A vector without a key of its own: keyed by the chunk and the vector, so shared with nothing. */
    public EmbeddedChunk(Chunk chunk, float[] vector) {
        this(chunk, vector, EmbeddingKey.ofVector(Objects.requireNonNull(chunk, "chunk"),
                Objects.requireNonNull(vector, "vector")));
    }
}

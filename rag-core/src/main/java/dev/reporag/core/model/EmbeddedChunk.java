package dev.reporag.core.model;

import java.util.Objects;

/** A chunk with its vector, as stored. */
public record EmbeddedChunk(Chunk chunk, float[] vector) {
    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(vector, "vector");
        if (vector.length == 0) {
            throw new IllegalArgumentException("empty vector for chunk " + chunk.id());
        }
    }
}

package dev.reporag.core.model;

import java.util.Objects;

/** A search hit: higher scores are better; scores compare only within one result list. */
public record ScoredChunk(Chunk chunk, double score) {
    public ScoredChunk {
        Objects.requireNonNull(chunk, "chunk");
    }
}

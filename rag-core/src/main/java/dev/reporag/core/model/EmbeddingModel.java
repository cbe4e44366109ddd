package dev.reporag.core.model;

import java.util.Objects;

/**
 * An embedding model as far as its vectors go: vectors of two models (or of one model at two
 * dimensions) cannot be compared, so a store keeps them apart and answers a project only from the
 * model it was last fully embedded with.
 */
public record EmbeddingModel(String id, int dimension) {
    public EmbeddingModel {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a model id must not be blank");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive: " + dimension);
        }
    }

    @Override
    public String toString() {
        return "'" + id + "' (" + dimension + " dimensions)";
    }
}

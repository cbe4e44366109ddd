package dev.reporag.core.model;

import java.util.Optional;

/**
 * Which embedding model answers for a project, and which one it is being re-embedded with.
 *
 * @param active the model of the project's searchable vectors; null before its first complete job
 * @param target the model a re-embedding was requested for and has not finished; null when none
 */
public record ProjectModels(EmbeddingModel active, EmbeddingModel target) {
    public static final ProjectModels NONE = new ProjectModels(null, null);

    public Optional<EmbeddingModel> activeModel() {
        return Optional.ofNullable(active);
    }

    public Optional<EmbeddingModel> targetModel() {
        return Optional.ofNullable(target);
    }

    /** Whether a store of {@code model} answers for the project: it is the active one, or none is yet. */
    public boolean answersWith(EmbeddingModel model) {
        return active == null || active.equals(model);
    }
}

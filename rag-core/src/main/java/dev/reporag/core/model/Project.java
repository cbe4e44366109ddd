package dev.reporag.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A repository people want to ask questions about.
 *
 * @param source a repository URL or, where local sources are allowed, a path
 * @param ref    branch, tag or commit; null means the repository's default branch
 */
public record Project(ProjectId id, String name, String source, String ref, Instant createdAt) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        name = requireText(name, "name");
        source = requireText(source, "source");
        if (name.length() > 200) {
            throw new IllegalArgumentException("name is longer than 200 characters");
        }
        if (ref != null && ref.isBlank()) {
            ref = null;
        }
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value.strip();
    }
}

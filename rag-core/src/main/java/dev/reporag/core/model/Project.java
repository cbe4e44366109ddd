package dev.reporag.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A repository people want to ask questions about.
 *
 * @param source a repository URL or, where local sources are allowed, a path
 * @param ref    branch, tag or commit; null means the repository's default branch
 * @param paths  the project's own file rules, on top of the service's
 */
public record Project(ProjectId id, String name, String source, String ref, Instant createdAt, PathRules paths) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        paths = Objects.requireNonNullElse(paths, PathRules.NONE);
        name = requireText(name, "name");
        source = requireText(source, "source");
        if (name.length() > 200) {
            throw new IllegalArgumentException("name is longer than 200 characters");
        }
        if (ref != null && ref.isBlank()) {
            ref = null;
        }
    }

    /** A project with the service's file rules alone. */
    public Project(ProjectId id, String name, String source, String ref, Instant createdAt) {
        this(id, name, source, ref, createdAt, PathRules.NONE);
    }

    public Project withPaths(PathRules value) {
        return new Project(id, name, source, ref, createdAt, value);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value.strip();
    }
}

package dev.reporag.core.model;

import java.util.Objects;
import java.util.UUID;

/** Identifies a project; opaque text of letters, digits, '-' and '_'. */
public record ProjectId(String value) {
    public ProjectId {
        Objects.requireNonNull(value, "project id");
        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("invalid project id: " + value);
        }
    }

    public static ProjectId random() {
        return new ProjectId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}

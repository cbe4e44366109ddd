package dev.reporag.core.model;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifies a project; opaque text of letters, digits, '-' and '_'. */
public record ProjectId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ProjectId {
        Objects.requireNonNull(value, "project id");
        if (!VALID.matcher(value).matches()) {
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

package dev.reporag.core.model;

import java.util.Objects;
import java.util.UUID;

/** Identifies one ingestion job. */
public record JobId(String value) {
    public JobId {
        Objects.requireNonNull(value, "job id");
        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("invalid job id: " + value);
        }
    }

    public static JobId random() {
        return new JobId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}

package dev.reporag.core.model;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifies one ingestion job. */
public record JobId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public JobId {
        Objects.requireNonNull(value, "job id");
        if (!VALID.matcher(value).matches()) {
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

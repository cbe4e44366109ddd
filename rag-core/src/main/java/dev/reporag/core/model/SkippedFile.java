package dev.reporag.core.model;

import java.util.Objects;

/** A file left out of the index, and why: every skip is explainable. */
public record SkippedFile(String path, SkipReason reason, String detail) {
    public SkippedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? reason.description() : detail;
    }
}

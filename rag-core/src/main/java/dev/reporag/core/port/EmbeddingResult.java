package dev.reporag.core.port;

import java.util.List;
import java.util.Objects;

/** The answer to one embedding request: one vector per input, in order, and what the server said. */
public record EmbeddingResult(List<float[]> vectors, ServerReport report) {
    public EmbeddingResult {
        Objects.requireNonNull(vectors, "vectors");
        report = report == null ? ServerReport.NONE : report;
    }
}

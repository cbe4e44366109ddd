package dev.reporag.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * How fast an embedding API answered the indexing requests a process sent it: their mean time from
 * sending to the answer, over the latest {@code answers} requests, as recorded at {@code recordedAt}. Kept in
 * the job store so that a later process (a one-shot {@code rag estimate}) knows the server's pace
 * before it has sent anything.
 */
public record AnswerTime(double meanSeconds, long answers, Instant recordedAt) {
    public AnswerTime {
        Objects.requireNonNull(recordedAt, "recordedAt");
        if (!(meanSeconds >= 0) || Double.isInfinite(meanSeconds)) {
            throw new IllegalArgumentException("a mean answer time is a number of seconds, not " + meanSeconds);
        }
        if (answers < 1) {
            throw new IllegalArgumentException("a mean answer time is of at least one answer");
        }
    }
}

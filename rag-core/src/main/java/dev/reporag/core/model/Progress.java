package dev.reporag.core.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a job has come. Totals are known before embedding starts (file sizes come from the
 * tree), so {@code percent} moves steadily; it reaches 100 only when the job is READY.
 *
 * @param filesTotal     files in the snapshot that passed the path and size checks
 * @param filesDone      of those, files whose chunks are all stored
 * @param filesSkipped   files dropped by the filter, with their reasons kept elsewhere
 * @param chunksTotal    chunks found so far (grows while files are read)
 * @param chunksDone     chunks stored, whether embedded now or already present
 * @param chunksEmbedded chunks embedded by this job (0 on an unchanged re-index)
 * @param percent        0 to 100, never decreasing for one job
 * @param etaSeconds     the time left as estimated by the worker running the job, or
 *                       {@link #ETA_UNKNOWN}; only a PROCESSING job has one
 */
public record Progress(int filesTotal, int filesDone, int filesSkipped,
                       long chunksTotal, long chunksDone, long chunksEmbedded, int percent, long etaSeconds) {
    public static final long ETA_UNKNOWN = -1;
    public static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0, 0);

    public Progress {
        if (filesTotal < 0 || filesDone < 0 || filesSkipped < 0 || chunksTotal < 0 || chunksDone < 0
                || chunksEmbedded < 0) {
            throw new IllegalArgumentException("progress counts must not be negative");
        }
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be within 0..100: " + percent);
        }
        if (etaSeconds < ETA_UNKNOWN) {
            throw new IllegalArgumentException("etaSeconds must be at least 0, or -1 when unknown: " + etaSeconds);
        }
    }

    /** Progress with no estimate of the time left. */
    public Progress(int filesTotal, int filesDone, int filesSkipped, long chunksTotal, long chunksDone,
                    long chunksEmbedded, int percent) {
        this(filesTotal, filesDone, filesSkipped, chunksTotal, chunksDone, chunksEmbedded, percent, ETA_UNKNOWN);
    }

    /** The estimated time left, empty until the worker has seen enough progress to tell. */
    public Optional<Duration> eta() {
        return etaSeconds == ETA_UNKNOWN ? Optional.empty() : Optional.of(Duration.ofSeconds(etaSeconds));
    }

    public Progress withPercent(int newPercent) {
        return new Progress(filesTotal, filesDone, filesSkipped, chunksTotal, chunksDone, chunksEmbedded, newPercent,
                etaSeconds);
    }

    /** The same counts with {@code eta} (in whole seconds), or with none when it is empty. */
    public Progress withEta(Optional<Duration> eta) {
        return new Progress(filesTotal, filesDone, filesSkipped, chunksTotal, chunksDone, chunksEmbedded, percent,
                eta.map(Duration::toSeconds).orElse(ETA_UNKNOWN));
    }

    public Progress withoutEta() {
        return etaSeconds == ETA_UNKNOWN ? this : withEta(Optional.empty());
    }
}

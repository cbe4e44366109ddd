package dev.reporag.core.model;

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
 */
public record Progress(int filesTotal, int filesDone, int filesSkipped,
                       long chunksTotal, long chunksDone, long chunksEmbedded, int percent) {
    public static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0, 0);

    public Progress {
        if (filesTotal < 0 || filesDone < 0 || filesSkipped < 0 || chunksTotal < 0 || chunksDone < 0
                || chunksEmbedded < 0) {
            throw new IllegalArgumentException("progress counts must not be negative");
        }
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be within 0..100: " + percent);
        }
    }

    public Progress withPercent(int newPercent) {
        return new Progress(filesTotal, filesDone, filesSkipped, chunksTotal, chunksDone, chunksEmbedded, newPercent);
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.model.Progress;

/**
 * A job's running totals of files, chunks and bytes, from which its {@link Progress} is computed.
 * Bytes give the percentage: the listing's sizes are known before any file is read, chunks are not.
 * Used by the job thread only.
 */
final class ProgressTally {
    private final int percentFloor;
    private int filesTotal;
    private int filesDone;
    private int filesSkipped;
    private long chunksTotal;
    private long chunksDone;
    private long chunksEmbedded;
    private long chunksReused;
    private long bytesTotal;
    private long bytesDone;

    /** @param percentFloor the percentage the job had reached before (a resumed job never goes back) */
    ProgressTally(int percentFloor) {
        this.percentFloor = percentFloor;
    }

    /** A file of the listing to read. */
    void toRead(long size) {
        filesTotal++;
        bytesTotal += size;
    }

    /** A file unchanged since the last index: counted done without reading it. */
    void unchanged() {
        filesTotal++;
        filesDone++;
    }

    /** A file left out by its path or size, or as the last index left it out. */
    void skippedUnread() {
        filesSkipped++;
    }

    /** A file counted to read that its content left out (binary, not UTF-8...). */
    void skippedOnRead() {
        filesSkipped++;
        filesTotal--;
    }

    /** A chunk of a file read; one stored already (same id) is done at once. */
    void chunk(boolean stored) {
        chunksTotal++;
        if (stored) {
            chunksDone++;
        }
    }

    /** Files read whose chunks have all been handed on. */
    void filesRead(int files) {
        filesDone += files;
    }

    /** Chunks stored by one write, {@code embedded} of them embedded (the others reused), and the bytes their files held. */
    void stored(int chunks, int embedded, long bytes) {
        chunksDone += chunks;
        chunksEmbedded += embedded;
        chunksReused += chunks - embedded;
        bytesDone += bytes;
    }

    long chunksEmbedded() {
        return chunksEmbedded;
    }

    long chunksReused() {
        return chunksReused;
    }

    /** The job's progress so far; below 100 % until it is READY. */
    Progress progress() {
        return progress(chunksTotal, chunksDone);
    }

    /** The progress of a complete job: its chunks are what the store holds for the project. */
    Progress complete(long inStore) {
        return progress(inStore, inStore);
    }

    private Progress progress(long total, long done) {
        int percent = bytesTotal == 0 ? 0 : (int) Math.min(99, bytesDone * 99 / bytesTotal);
        return new Progress(filesTotal, Math.min(filesDone, filesTotal), filesSkipped, Math.max(total, done), done,
                chunksEmbedded, Math.max(percentFloor, percent));
    }
}

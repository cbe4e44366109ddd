package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.SkippedFile;

/** Hears what a job does, for progress bars and logs. Called from the job's threads. */
public interface IngestionListener {
    IngestionListener NONE = new IngestionListener() {
    };

    /**
     * A step of the clone or fetch that opens the repository, before the commit is known:
     * {@code total} is 0 when unknown. Throttled by the source (a few calls a second at most).
     */
    default void onFetchProgress(IngestionJob job, String task, long done, long total) {
    }

    default void onCommit(IngestionJob job, String commit) {
    }

    default void onProgress(IngestionJob job, Progress progress) {
    }

    default void onSkipped(IngestionJob job, SkippedFile file) {
    }
}

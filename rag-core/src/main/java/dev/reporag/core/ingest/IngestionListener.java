package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.SkippedFile;

/** Hears what a job does, for progress bars and logs. Called from the job's threads. */
public interface IngestionListener {
    IngestionListener NONE = new IngestionListener() {
    };

    default void onCommit(IngestionJob job, String commit) {
    }

    default void onProgress(IngestionJob job, Progress progress) {
    }

    default void onSkipped(IngestionJob job, SkippedFile file) {
    }
}

package dev.reporag.core.model;

import java.util.Optional;

/**
 * A project as a user sees it: with no job yet it is PENDING (registered, not yet processed).
 *
 * @param lastReady the most recent READY job, which is what answers are served from while a
 *                  re-index runs
 */
public record ProjectStatus(Project project, IngestionJob latestJob, IngestionJob lastReady) {
    public JobStatus status() {
        return latestJob == null ? JobStatus.PENDING : latestJob.status();
    }

    public Progress progress() {
        return latestJob == null ? Progress.NONE : latestJob.progress();
    }

    public Optional<IngestionJob> job() {
        return Optional.ofNullable(latestJob);
    }

    public Optional<String> error() {
        return latestJob == null ? Optional.empty() : latestJob.errorMessage();
    }

    /** Whether questions can be answered: some job has completed. */
    public boolean answerable() {
        return lastReady != null;
    }

    public Optional<String> indexedCommit() {
        return lastReady == null ? Optional.empty() : Optional.ofNullable(lastReady.commit());
    }
}

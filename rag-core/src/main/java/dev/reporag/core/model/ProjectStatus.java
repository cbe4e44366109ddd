package dev.reporag.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A project as a user sees it: with no job yet it is PENDING (registered, not yet processed).
 *
 * @param lastReady the most recent READY job, which is what answers are served from while a
 *                  re-index runs
 * @param asOf      when it was read: a job whose lease ran out before then has lost its worker
 */
public record ProjectStatus(Project project, IngestionJob latestJob, IngestionJob lastReady, Instant asOf) {
    public ProjectStatus {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(asOf, "asOf");
    }

    public JobStatus status() {
        return latestJob == null ? JobStatus.PENDING : latestJob.status();
    }

    public Progress progress() {
        return latestJob == null ? Progress.NONE : latestJob.progress();
    }

    /** The latest job's {@link IngestionJob#eta(Instant) estimate of the time left}, as of when this was read. */
    public Optional<Duration> eta() {
        return latestJob == null ? Optional.empty() : latestJob.eta(asOf);
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

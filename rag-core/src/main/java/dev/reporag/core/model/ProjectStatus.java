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
 * @param waiting   while PENDING, what the project waits for (see {@link #waitingFor()}), else null
 * @param model     while the project's index and the configured embedding model differ, what is
 *                  being done about it (see {@link #modelSwitch()}), else null
 */
public record ProjectStatus(Project project, IngestionJob latestJob, IngestionJob lastReady, Instant asOf,
                            String waiting, String model) {
    public ProjectStatus {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(asOf, "asOf");
    }

    /** A status with nothing to say about the embedding model. */
    public ProjectStatus(Project project, IngestionJob latestJob, IngestionJob lastReady, Instant asOf,
                         String waiting) {
        this(project, latestJob, lastReady, asOf, waiting, null);
    }

    /** A status that says nothing about what a PENDING project waits for. */
    public ProjectStatus(Project project, IngestionJob latestJob, IngestionJob lastReady, Instant asOf) {
        this(project, latestJob, lastReady, asOf, null);
    }

    /**
     * While PENDING, what the project waits for: "queued; a worker is running and will start it",
     * "queued; waiting for a worker — none has been seen for 42 min", "queued; next scheduled run at
     * 10:45 UTC (every 15 min)", or "not queued: no ingestion has been requested yet".
     */
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waiting);
    }

    /**
     * While the project's index and the configured model differ: "re-embedding for model 'B' (1536
     * dimensions): 40 %" (the old index answers meanwhile wherever its model is configured), or
     * "run rag reembed: indexed with model 'A' (384 dimensions), not 'B' (1536 dimensions)".
     */
    public Optional<String> modelSwitch() {
        return Optional.ofNullable(model);
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

package dev.reporag.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of the ingestion pipeline for a project. Its progress carries an estimate of the time
 * left only while a worker is making progress: a claim, a release and the end drop it.
 *
 * @param attempts       how many times a worker has claimed this job
 * @param commit         the commit indexed, once READY (or being indexed, while PROCESSING)
 * @param leaseOwner     the worker holding the job while PROCESSING, else null
 * @param leaseExpiresAt when another worker may take the job over, else null
 */
public record IngestionJob(JobId id, ProjectId projectId, JobStatus status, Progress progress, String error,
                           int attempts, String commit, Instant createdAt, Instant startedAt,
                           Instant finishedAt, Instant updatedAt, String leaseOwner, Instant leaseExpiresAt) {
    public IngestionJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public static IngestionJob pending(ProjectId projectId, Instant now) {
        return new IngestionJob(JobId.random(), projectId, JobStatus.PENDING, Progress.NONE, null, 0, null,
                now, null, null, now, null, null);
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    /**
     * The worker's estimate of the time left, while a worker holds this job. A job whose worker died
     * keeps its last estimate in the store until another worker takes it over; once its lease has
     * run out that estimate is stale and none is given.
     */
    public Optional<Duration> eta(Instant now) {
        boolean held = status == JobStatus.PROCESSING && leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
        return held ? progress.eta() : Optional.empty();
    }

    public IngestionJob claimedBy(String owner, Instant leaseUntil, Instant now) {
        return new IngestionJob(id, projectId, JobStatus.PROCESSING, progress.withoutEta(), null, attempts + 1, commit,
                createdAt, startedAt == null ? now : startedAt, null, now, owner, leaseUntil);
    }

    public IngestionJob withLease(Instant leaseUntil, Instant now) {
        return new IngestionJob(id, projectId, status, progress, error, attempts, commit, createdAt, startedAt,
                finishedAt, now, leaseOwner, leaseUntil);
    }

    public IngestionJob withProgress(Progress newProgress, String newCommit, Instant now) {
        Progress kept = newProgress.percent() < progress.percent() ? newProgress.withPercent(progress.percent()) : newProgress;
        return new IngestionJob(id, projectId, status, kept, error, attempts, newCommit == null ? commit : newCommit,
                createdAt, startedAt, finishedAt, now, leaseOwner, leaseExpiresAt);
    }

    public IngestionJob released(Instant now) {
        return new IngestionJob(id, projectId, JobStatus.PENDING, progress.withoutEta(), error, attempts, commit,
                createdAt, startedAt, null, now, null, null);
    }

    public IngestionJob finished(JobOutcome outcome, Instant now) {
        if (outcome instanceof JobOutcome.Ready ready) {
            return new IngestionJob(id, projectId, JobStatus.READY, ready.progress().withPercent(100).withoutEta(),
                    null, attempts, ready.commit(), createdAt, startedAt, now, now, null, null);
        }
        JobOutcome.Failed failed = (JobOutcome.Failed) outcome;
        return new IngestionJob(id, projectId, JobStatus.FAILED, progress.withoutEta(), failed.error(), attempts,
                commit, createdAt, startedAt, now, now, null, null);
    }
}

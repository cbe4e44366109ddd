package dev.reporag.core.port;

import dev.reporag.core.model.AnswerTime;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.RemoteHead;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.WorkerKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Projects and their ingestion jobs, and the queue workers claim from. Every method is atomic;
 * methods taking a {@code worker} do nothing and return false unless that worker holds the lease.
 */
public interface JobRepository {
    /** @throws StoreException when a project with the same name exists */
    void saveProject(Project project);

    Optional<Project> project(ProjectId id);

    Optional<Project> projectByName(String name);

    /** All projects, oldest first. */
    List<Project> projects();

    /** Removes the project and its jobs. */
    void deleteProject(ProjectId id);

    /**
     * Returns the project's PENDING or PROCESSING job if there is one, else creates a PENDING job:
     * concurrent calls for one project yield one job.
     */
    IngestionJob enqueue(ProjectId project, Instant now);

    Optional<IngestionJob> job(JobId id);

    Optional<IngestionJob> latestJob(ProjectId project);

    Optional<IngestionJob> latestReadyJob(ProjectId project);

    /**
     * Claims the oldest PENDING job, or a PROCESSING job whose lease has expired (a crashed worker),
     * counting an attempt. A job whose lease expired after {@code maxAttempts} attempts is made FAILED
     * instead, with an error saying so. Two workers never hold one job.
     */
    Optional<IngestionJob> claim(String worker, Instant now, Duration lease, int maxAttempts);

    /**
     * Claims one given job, if it is PENDING or its lease has expired (for running a chosen project
     * in the foreground), counting an attempt; empty when another worker holds it or it is finished.
     */
    Optional<IngestionJob> claimJob(JobId job, String worker, Instant now, Duration lease);

    boolean renew(JobId job, String worker, Instant now, Duration lease);

    /** Saves progress (the percent never decreases) and, when not null, the commit being indexed. */
    boolean saveProgress(JobId job, String worker, Progress progress, String commit, Instant now);

    boolean finish(JobId job, String worker, JobOutcome outcome, Instant now);

    /** Gives a job back as PENDING (clean shutdown); the next claim resumes it. */
    boolean release(JobId job, String worker, Instant now);

    /**
     * Replaces the project's list of skipped files with the one of a job that read its whole
     * snapshot; {@link #deleteProject} removes it.
     */
    void saveSkippedFiles(ProjectId project, SkippedFiles skipped);

    /** The last list saved for the project; empty before any. */
    Optional<SkippedFiles> skippedFiles(ProjectId project);

    /**
     * Records the commit the project's ref points to on its remote, as seen at {@code head.checkedAt()};
     * a sighting older than the one stored changes nothing, nor does one for an unknown project.
     * {@link #deleteProject} removes it.
     */
    void saveRemoteHead(ProjectId project, RemoteHead head);

    /** The last sighting saved for the project; empty before any. */
    Optional<RemoteHead> remoteHead(ProjectId project);

    /**
     * Records how fast the embedding API of one rate budget answered a process's indexing requests.
     * {@code rateKey} names the budget as {@link RateBudget} does (a hash of endpoint, model and key:
     * never the key itself); a record older than the one stored changes nothing.
     */
    void saveAnswerTime(String rateKey, AnswerTime time);

    /** The last record saved for that rate budget; empty before any. */
    Optional<AnswerTime> answerTime(String rateKey);

    /** Notes that a worker of this kind was alive at {@code now}; an earlier time never replaces a later one. */
    void workerSeen(WorkerKind kind, Instant now);

    /** When each kind of worker was last seen; kinds never seen are absent. */
    Map<WorkerKind, Instant> workersLastSeen();

    /**
     * Jobs that ended READY or FAILED (given up on included) since the store was created, by
     * status: counters that only grow, also when projects are deleted.
     */
    Map<JobStatus, Long> finishedJobs();

    /**
     * Calls {@code onQueued} soon after any process makes a job claimable (queued, or given back),
     * until the watch is closed, so that idle workers claim it at once instead of at their next poll.
     * A repository that only one process uses need not watch (the default): that process's own
     * enqueues wake its workers. Spurious calls are allowed; a watch that loses its connection
     * reconnects by itself and calls once more, for what was queued meanwhile.
     */
    default Watch watchQueue(Runnable onQueued) {
        return () -> {
        };
    }

    /** Stops a {@link #watchQueue} watch; closing twice does nothing. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}

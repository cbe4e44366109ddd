package dev.reporag.http;

import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The in-memory job repository with an outage switch, for readiness tests. */
final class FlakyJobRepository implements JobRepository {
    private final InMemoryJobRepository delegate = new InMemoryJobRepository();
    volatile boolean down;

    private InMemoryJobRepository up() {
        if (down) {
            throw new StoreException("the database at db.internal:5432 refused the connection");
        }
        return delegate;
    }

    @Override public void saveProject(Project project) { up().saveProject(project); }
    @Override public Optional<Project> project(ProjectId id) { return up().project(id); }
    @Override public Optional<Project> projectByName(String name) { return up().projectByName(name); }
    @Override public List<Project> projects() { return up().projects(); }
    @Override public void deleteProject(ProjectId id) { up().deleteProject(id); }
    @Override public IngestionJob enqueue(ProjectId project, Instant now) { return up().enqueue(project, now); }
    @Override public Optional<IngestionJob> job(JobId id) { return up().job(id); }
    @Override public Optional<IngestionJob> latestJob(ProjectId project) { return up().latestJob(project); }
    @Override public Optional<IngestionJob> latestReadyJob(ProjectId project) { return up().latestReadyJob(project); }

    @Override
    public Optional<IngestionJob> claim(String worker, Instant now, Duration lease, int maxAttempts) {
        return up().claim(worker, now, lease, maxAttempts);
    }

    @Override
    public Optional<IngestionJob> claimJob(JobId job, String worker, Instant now, Duration lease) {
        return up().claimJob(job, worker, now, lease);
    }

    @Override
    public boolean renew(JobId job, String worker, Instant now, Duration lease) {
        return up().renew(job, worker, now, lease);
    }

    @Override
    public boolean saveProgress(JobId job, String worker, Progress progress, String commit, Instant now) {
        return up().saveProgress(job, worker, progress, commit, now);
    }

    @Override
    public boolean finish(JobId job, String worker, JobOutcome outcome, Instant now) {
        return up().finish(job, worker, outcome, now);
    }

    @Override
    public boolean release(JobId job, String worker, Instant now) {
        return up().release(job, worker, now);
    }

    @Override
    public void saveSkippedFiles(ProjectId project, dev.reporag.core.model.SkippedFiles skipped) {
        up().saveSkippedFiles(project, skipped);
    }

    @Override
    public Optional<dev.reporag.core.model.SkippedFiles> skippedFiles(ProjectId project) {
        return up().skippedFiles(project);
    }

    @Override
    public void saveRemoteHead(ProjectId project, dev.reporag.core.model.RemoteHead head) {
        up().saveRemoteHead(project, head);
    }

    @Override
    public Optional<dev.reporag.core.model.RemoteHead> remoteHead(ProjectId project) {
        return up().remoteHead(project);
    }

    @Override
    public void saveAnswerTime(String rateKey, dev.reporag.core.model.AnswerTime time) {
        up().saveAnswerTime(rateKey, time);
    }

    @Override
    public Optional<dev.reporag.core.model.AnswerTime> answerTime(String rateKey) {
        return up().answerTime(rateKey);
    }

    @Override
    public void workerSeen(dev.reporag.core.model.WorkerKind kind, Instant now) {
        up().workerSeen(kind, now);
    }

    @Override
    public java.util.Map<dev.reporag.core.model.WorkerKind, Instant> workersLastSeen() {
        return up().workersLastSeen();
    }

    @Override
    public java.util.Map<dev.reporag.core.model.JobStatus, Long> finishedJobs() {
        return up().finishedJobs();
    }
}

package dev.reporag.core.memory;

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
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A thread-safe job repository in memory; one lock makes every method atomic. */
public final class InMemoryJobRepository implements JobRepository {
    private final Map<ProjectId, Project> projects = new LinkedHashMap<>();
    private final Map<JobId, IngestionJob> jobs = new LinkedHashMap<>();
    private final Map<ProjectId, byte[]> skipped = new HashMap<>();
    private final Map<ProjectId, RemoteHead> remoteHeads = new HashMap<>();
    private final Map<WorkerKind, Instant> seen = new EnumMap<>(WorkerKind.class);
    private final Map<String, AnswerTime> answerTimes = new HashMap<>();
    private final Map<JobStatus, Long> finished = new EnumMap<>(JobStatus.class);

    @Override
    public synchronized void saveProject(Project project) {
        if (projectByName(project.name()).filter(p -> !p.id().equals(project.id())).isPresent()) {
            throw new StoreException("a project named '" + project.name() + "' already exists");
        }
        projects.put(project.id(), project);
    }

    @Override
    public synchronized Optional<Project> project(ProjectId id) {
        return Optional.ofNullable(projects.get(id));
    }

    @Override
    public synchronized Optional<Project> projectByName(String name) {
        return projects.values().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public synchronized List<Project> projects() {
        return projects.values().stream().sorted(Comparator.comparing(Project::createdAt)).toList();
    }

    @Override
    public synchronized void deleteProject(ProjectId id) {
        projects.remove(id);
        jobs.values().removeIf(j -> j.projectId().equals(id));
        skipped.remove(id);
        remoteHeads.remove(id);
    }

    @Override
    public synchronized IngestionJob enqueue(ProjectId project, Instant now) {
        if (!projects.containsKey(project)) {
            throw new StoreException("unknown project " + project);
        }
        Optional<IngestionJob> active = jobs.values().stream()
                .filter(j -> j.projectId().equals(project) && j.status().isActive())
                .findFirst();
        if (active.isPresent()) {
            return active.get();
        }
        IngestionJob job = IngestionJob.pending(project, now);
        jobs.put(job.id(), job);
        return job;
    }

    @Override
    public synchronized Optional<IngestionJob> job(JobId id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized Optional<IngestionJob> latestJob(ProjectId project) {
        return latest(project, j -> true);
    }

    @Override
    public synchronized Optional<IngestionJob> latestReadyJob(ProjectId project) {
        return latest(project, j -> j.status() == JobStatus.READY);
    }

    private Optional<IngestionJob> latest(ProjectId project, java.util.function.Predicate<IngestionJob> filter) {
        IngestionJob found = null;
        for (IngestionJob job : jobs.values()) { // insertion order is creation order
            if (job.projectId().equals(project) && filter.test(job)) {
                found = job;
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public synchronized Optional<IngestionJob> claim(String worker, Instant now, Duration lease, int maxAttempts) {
        for (IngestionJob job : new ArrayList<>(jobs.values())) {
            boolean pending = job.status() == JobStatus.PENDING;
            boolean abandoned = job.status() == JobStatus.PROCESSING && !job.leaseExpiresAt().isAfter(now);
            if (abandoned && job.attempts() >= maxAttempts) {
                put(job.finished(JobOutcome.abandoned(job.attempts()), now));
                continue;
            }
            if (pending || abandoned) {
                IngestionJob claimed = job.claimedBy(worker, now.plus(lease), now);
                put(claimed);
                return Optional.of(claimed);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<IngestionJob> claimJob(JobId id, String worker, Instant now, Duration lease) {
        IngestionJob job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        boolean abandoned = job.status() == JobStatus.PROCESSING && !job.leaseExpiresAt().isAfter(now);
        if (job.status() != JobStatus.PENDING && !abandoned) {
            return Optional.empty();
        }
        IngestionJob claimed = job.claimedBy(worker, now.plus(lease), now);
        put(claimed);
        return Optional.of(claimed);
    }

    @Override
    public synchronized boolean renew(JobId job, String worker, Instant now, Duration lease) {
        return update(job, worker, j -> j.withLease(now.plus(lease), now));
    }

    @Override
    public synchronized boolean saveProgress(JobId job, String worker, Progress progress, String commit, Instant now) {
        return update(job, worker, j -> j.withProgress(progress, commit, now));
    }

    @Override
    public synchronized boolean finish(JobId job, String worker, JobOutcome outcome, Instant now) {
        return update(job, worker, j -> j.finished(outcome, now));
    }

    @Override
    public synchronized boolean release(JobId job, String worker, Instant now) {
        return update(job, worker, j -> j.released(now));
    }

    @Override
    public synchronized void saveSkippedFiles(ProjectId project, SkippedFiles files) {
        if (projects.containsKey(project)) {
            skipped.put(project, files.toBytes()); // the stored form, as the other stores keep it
        }
    }

    @Override
    public synchronized Optional<SkippedFiles> skippedFiles(ProjectId project) {
        return Optional.ofNullable(skipped.get(project)).map(SkippedFiles::fromBytes);
    }

    @Override
    public synchronized void saveRemoteHead(ProjectId project, RemoteHead head) {
        RemoteHead stored = remoteHeads.get(project);
        if (projects.containsKey(project) && (stored == null || !head.checkedAt().isBefore(stored.checkedAt()))) {
            remoteHeads.put(project, head);
        }
    }

    @Override
    public synchronized Optional<RemoteHead> remoteHead(ProjectId project) {
        return Optional.ofNullable(remoteHeads.get(project));
    }

    private boolean update(JobId id, String worker, UnaryOperator<IngestionJob> change) {
        IngestionJob job = jobs.get(id);
        if (job == null || job.status() != JobStatus.PROCESSING || !worker.equals(job.leaseOwner())) {
            return false;
        }
        put(change.apply(job));
        return true;
    }

    /** Every change of a job goes through here, so the outcome counters see each end once. */
    private void put(IngestionJob job) {
        IngestionJob before = jobs.put(job.id(), job);
        if (job.status().isFinished() && (before == null || before.status() != job.status())) {
            finished.merge(job.status(), 1L, Long::sum);
        }
    }

    @Override
    public synchronized void saveAnswerTime(String rateKey, AnswerTime time) {
        answerTimes.merge(rateKey, time, (stored, next) -> next.recordedAt().isBefore(stored.recordedAt()) ? stored : next);
    }

    @Override
    public synchronized Optional<AnswerTime> answerTime(String rateKey) {
        return Optional.ofNullable(answerTimes.get(rateKey));
    }

    @Override
    public synchronized void workerSeen(WorkerKind kind, Instant now) {
        seen.merge(kind, now, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public synchronized Map<WorkerKind, Instant> workersLastSeen() {
        return Map.copyOf(seen);
    }

    @Override
    public synchronized Map<JobStatus, Long> finishedJobs() {
        return Map.copyOf(finished);
    }
}

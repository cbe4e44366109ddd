package dev.reporag.local;

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
import dev.reporag.local.Codec.StoredJob;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Projects and jobs in the MVStore file. One process owns the directory (see
 * {@link DirectoryLock}), so a JVM lock is enough to make each method atomic; each write is
 * committed before it returns.
 */
final class MvStoreJobRepository implements JobRepository {
    private static final String SEQUENCE = "jobs.sequence";
    /** Meta keys: jobs that ended with a status, and when a kind of worker was last seen. */
    private static final String FINISHED = "jobs.finished.";
    private static final String SEEN = "workers.seen.";
    /** Per rate budget's key hash: "mean-seconds answers instant". */
    private static final String ANSWERS = "answers.time.";
    private static final Comparator<StoredJob> OLDEST_FIRST = Comparator
            .comparing((StoredJob s) -> s.job().createdAt()).thenComparingLong(StoredJob::sequence);

    private final MvState state;

    MvStoreJobRepository(MvState state) {
        this.state = state;
        countEarlierOutcomes();
    }

    /** A store written before outcomes were counted starts its counters from the jobs it holds. */
    private void countEarlierOutcomes() {
        state.write(() -> {
            if (!state.meta.containsKey(FINISHED + "counted")) {
                jobs().map(StoredJob::job).filter(j -> j.status().isFinished()).forEach(j -> countOutcome(j.status()));
                state.meta.put(FINISHED + "counted", "true");
            }
            return null;
        });
    }

    @Override
    public void saveProject(Project project) {
        state.write(() -> {
            Optional<Project> sameName = findByName(project.name());
            if (sameName.isPresent() && !sameName.get().id().equals(project.id())) {
                throw new StoreException("a project named '" + project.name() + "' already exists");
            }
            state.projects.put(project.id().value(), Codec.project(project));
            return null;
        });
    }

    @Override
    public Optional<Project> project(ProjectId id) {
        return state.read(() -> Optional.ofNullable(state.projects.get(id.value())).map(Codec::project));
    }

    @Override
    public Optional<Project> projectByName(String name) {
        return state.read(() -> findByName(name));
    }

    @Override
    public List<Project> projects() {
        return state.read(() -> allProjects().sorted(Comparator.comparing(Project::createdAt)).toList());
    }

    @Override
    public void deleteProject(ProjectId id) {
        state.write(() -> {
            state.projects.remove(id.value());
            jobs().filter(s -> s.job().projectId().equals(id)).forEach(s -> state.jobs.remove(s.job().id().value()));
            MvStoreConversationRepository.deleteOf(state, id);
            state.skipped.remove(id.value());
            state.remoteHeads.remove(id.value());
            return null;
        });
    }

    @Override
    public IngestionJob enqueue(ProjectId project, Instant now) {
        return state.write(() -> {
            if (!state.projects.containsKey(project.value())) {
                throw new StoreException("unknown project " + project);
            }
            Optional<StoredJob> active = jobs()
                    .filter(s -> s.job().projectId().equals(project) && s.job().status().isActive())
                    .findFirst();
            if (active.isPresent()) {
                return active.get().job();
            }
            long sequence = Long.parseLong(state.meta.getOrDefault(SEQUENCE, "0")) + 1;
            state.meta.put(SEQUENCE, Long.toString(sequence));
            IngestionJob job = IngestionJob.pending(project, now);
            put(sequence, job);
            return job;
        });
    }

    @Override
    public Optional<IngestionJob> job(JobId id) {
        return state.read(() -> stored(id).map(StoredJob::job));
    }

    @Override
    public Optional<IngestionJob> latestJob(ProjectId project) {
        return state.read(() -> latest(project, j -> true));
    }

    @Override
    public Optional<IngestionJob> latestReadyJob(ProjectId project) {
        return state.read(() -> latest(project, j -> j.status() == JobStatus.READY));
    }

    @Override
    public Optional<IngestionJob> claim(String worker, Instant now, Duration lease, int maxAttempts) {
        return state.write(() -> {
            for (StoredJob stored : jobs().sorted(OLDEST_FIRST).toList()) {
                IngestionJob job = stored.job();
                boolean pending = job.status() == JobStatus.PENDING;
                boolean abandoned = job.status() == JobStatus.PROCESSING && !job.leaseExpiresAt().isAfter(now);
                if (abandoned && job.attempts() >= maxAttempts) {
                    put(stored.sequence(), job.finished(JobOutcome.abandoned(job.attempts()), now));
                    continue;
                }
                if (pending || abandoned) {
                    IngestionJob claimed = job.claimedBy(worker, now.plus(lease), now);
                    put(stored.sequence(), claimed);
                    return Optional.of(claimed);
                }
            }
            return Optional.<IngestionJob>empty();
        });
    }

    @Override
    public Optional<IngestionJob> claimJob(JobId id, String worker, Instant now, Duration lease) {
        return state.write(() -> {
            Optional<StoredJob> stored = stored(id);
            if (stored.isEmpty()) {
                return Optional.<IngestionJob>empty();
            }
            IngestionJob job = stored.get().job();
            boolean abandoned = job.status() == JobStatus.PROCESSING && !job.leaseExpiresAt().isAfter(now);
            if (job.status() != JobStatus.PENDING && !abandoned) {
                return Optional.<IngestionJob>empty();
            }
            IngestionJob claimed = job.claimedBy(worker, now.plus(lease), now);
            put(stored.get().sequence(), claimed);
            return Optional.of(claimed);
        });
    }

    /**
     * Ends the leases of jobs left PROCESSING by an earlier owner of the directory. Only one process
     * opens it at a time, so that owner is gone (killed, or crashed): its jobs can be taken over at
     * once instead of after the lease, still counting attempts. Returns how many there were.
     */
    int expireLeases(Instant now) {
        return state.write(() -> {
            int expired = 0;
            for (StoredJob stored : jobs().toList()) {
                IngestionJob job = stored.job();
                if (job.status() == JobStatus.PROCESSING && job.leaseExpiresAt().isAfter(now)) {
                    put(stored.sequence(), job.withLease(now, now));
                    expired++;
                }
            }
            return expired;
        });
    }

    @Override
    public boolean renew(JobId job, String worker, Instant now, Duration lease) {
        return update(job, worker, j -> j.withLease(now.plus(lease), now));
    }

    @Override
    public boolean saveProgress(JobId job, String worker, Progress progress, String commit, Instant now) {
        return update(job, worker, j -> j.withProgress(progress, commit, now));
    }

    @Override
    public boolean finish(JobId job, String worker, JobOutcome outcome, Instant now) {
        return update(job, worker, j -> j.finished(outcome, now));
    }

    @Override
    public boolean release(JobId job, String worker, Instant now) {
        return update(job, worker, j -> j.released(now));
    }

    @Override
    public void saveSkippedFiles(ProjectId project, SkippedFiles skipped) {
        state.write(() -> state.projects.containsKey(project.value())
                ? state.skipped.put(project.value(), skipped.toBytes()) : null);
    }

    @Override
    public Optional<SkippedFiles> skippedFiles(ProjectId project) {
        return state.read(() -> Optional.ofNullable(state.skipped.get(project.value())).map(SkippedFiles::fromBytes));
    }

    @Override
    public void saveRemoteHead(ProjectId project, RemoteHead head) {
        state.write(() -> {
            Optional<RemoteHead> stored = readRemoteHead(project);
            if (state.projects.containsKey(project.value())
                    && (stored.isEmpty() || !head.checkedAt().isBefore(stored.get().checkedAt()))) {
                state.remoteHeads.put(project.value(), head.commit() + " " + head.checkedAt());
            }
            return null;
        });
    }

    @Override
    public Optional<RemoteHead> remoteHead(ProjectId project) {
        return state.read(() -> readRemoteHead(project));
    }

    private Optional<RemoteHead> readRemoteHead(ProjectId project) {
        String value = state.remoteHeads.get(project.value());
        if (value == null) {
            return Optional.empty();
        }
        int space = value.indexOf(' ');
        return Optional.of(new RemoteHead(value.substring(0, space), Instant.parse(value.substring(space + 1))));
    }

    private boolean update(JobId id, String worker, UnaryOperator<IngestionJob> change) {
        return state.write(() -> {
            Optional<StoredJob> stored = stored(id);
            if (stored.isEmpty()) {
                return false;
            }
            IngestionJob job = stored.get().job();
            if (job.status() != JobStatus.PROCESSING || !worker.equals(job.leaseOwner())) {
                return false;
            }
            put(stored.get().sequence(), change.apply(job));
            return true;
        });
    }

    private Optional<IngestionJob> latest(ProjectId project, Predicate<IngestionJob> filter) {
        return jobs().filter(s -> s.job().projectId().equals(project) && filter.test(s.job()))
                .max(Comparator.comparingLong(StoredJob::sequence))
                .map(StoredJob::job);
    }

    private Optional<Project> findByName(String name) {
        return allProjects().filter(p -> p.name().equals(name)).findFirst();
    }

    private Stream<Project> allProjects() {
        return state.projects.values().stream().map(Codec::project);
    }

    private Stream<StoredJob> jobs() {
        return state.jobs.values().stream().map(Codec::job);
    }

    private Optional<StoredJob> stored(JobId id) {
        return Optional.ofNullable(state.jobs.get(id.value())).map(Codec::job);
    }

    /** Every change of a job goes through here (under the write lock), so each end is counted once. */
    private void put(long sequence, IngestionJob job) {
        byte[] before = state.jobs.put(job.id().value(), Codec.job(sequence, job));
        if (job.status().isFinished() && (before == null || Codec.job(before).job().status() != job.status())) {
            countOutcome(job.status());
        }
    }

    private void countOutcome(JobStatus status) {
        String key = FINISHED + status.name();
        state.meta.put(key, Long.toString(Long.parseLong(state.meta.getOrDefault(key, "0")) + 1));
    }

    @Override
    public void saveAnswerTime(String rateKey, AnswerTime time) {
        state.write(() -> {
            Optional<AnswerTime> stored = readAnswerTime(rateKey);
            if (stored.isEmpty() || !time.recordedAt().isBefore(stored.get().recordedAt())) {
                state.meta.put(ANSWERS + rateKey, time.meanSeconds() + " " + time.answers() + " " + time.recordedAt());
            }
            return null;
        });
    }

    @Override
    public Optional<AnswerTime> answerTime(String rateKey) {
        return state.read(() -> readAnswerTime(rateKey));
    }

    private Optional<AnswerTime> readAnswerTime(String rateKey) {
        return Optional.ofNullable(state.meta.get(ANSWERS + rateKey)).map(value -> {
            String[] parts = value.split(" ");
            return new AnswerTime(Double.parseDouble(parts[0]), Long.parseLong(parts[1]), Instant.parse(parts[2]));
        });
    }

    @Override
    public void workerSeen(WorkerKind kind, Instant now) {
        state.write(() -> {
            String key = SEEN + kind.name();
            String last = state.meta.get(key);
            if (last == null || Instant.parse(last).isBefore(now)) {
                state.meta.put(key, now.toString());
            }
            return null;
        });
    }

    @Override
    public Map<WorkerKind, Instant> workersLastSeen() {
        return byKey(WorkerKind.class, SEEN, Instant::parse);
    }

    @Override
    public Map<JobStatus, Long> finishedJobs() {
        return byKey(JobStatus.class, FINISHED, Long::parseLong);
    }

    /** The meta entries {@code prefix + constant name} that exist, parsed, by constant. */
    private <K extends Enum<K>, V> Map<K, V> byKey(Class<K> keys, String prefix, Function<String, V> parse) {
        return state.read(() -> {
            Map<K, V> values = new EnumMap<>(keys);
            for (K key : keys.getEnumConstants()) {
                String value = state.meta.get(prefix + key.name());
                if (value != null) {
                    values.put(key, parse.apply(value));
                }
            }
            return values;
        });
    }
}

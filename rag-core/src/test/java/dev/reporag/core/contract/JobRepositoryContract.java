package dev.reporag.core.contract;

import dev.reporag.core.model.AnswerTime;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.RemoteHead;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.WorkerKind;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link JobRepository} must do. Adapters extend this with a fresh, empty repository. */
public abstract class JobRepositoryContract {
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected JobRepository repository;
    // Whole milliseconds: databases keep microseconds at best.
    protected final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract JobRepository createRepository();

    @BeforeEach
    void createFreshRepository() {
        repository = createRepository();
    }

    protected Project newProject(String name) {
        Project project = new Project(ProjectId.random(), name, "https://example.com/" + name + ".git", null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        repository.saveProject(project);
        return project;
    }

    @Test
    void savesAndFindsProjects() {
        Project first = newProject("first");
        Project second = new Project(ProjectId.random(), "second", "/some/path", "main",
                first.createdAt().plusSeconds(1));
        repository.saveProject(second);

        assertThat(repository.project(first.id())).contains(first);
        assertThat(repository.projectByName("second")).contains(second);
        assertThat(repository.projectByName("third")).isEmpty();
        assertThat(repository.projects()).containsExactly(first, second);
        assertThat(repository.project(ProjectId.random())).isEmpty();
    }

    @Test
    void keepsAProjectsOwnFileRulesAndTheirChange() {
        Project project = newProject("rules");
        assertThat(repository.project(project.id()).orElseThrow().paths()).isEqualTo(PathRules.NONE);

        Project withRules = project.withPaths(new PathRules(List.of("docs/**", "*.rst"), List.of("examples/**")));
        repository.saveProject(withRules);
        assertThat(repository.project(project.id())).contains(withRules);
        assertThat(repository.projectByName("rules").orElseThrow().paths().include()).containsExactly("docs/**", "*.rst");

        repository.saveProject(withRules.withPaths(PathRules.NONE));
        assertThat(repository.projects()).containsExactly(project);
    }

    @Test
    void refusesASecondProjectWithTheSameName() {
        newProject("same");
        assertThatThrownBy(() -> newProject("same")).isInstanceOf(StoreException.class).hasMessageContaining("same");
        assertThat(repository.projects()).hasSize(1);
    }

    @Test
    void enqueueIsIdempotentWhileAJobIsActive() {
        Project project = newProject("p");
        IngestionJob first = repository.enqueue(project.id(), t0);
        IngestionJob second = repository.enqueue(project.id(), t0.plusSeconds(1));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(first.status()).isEqualTo(JobStatus.PENDING);
        assertThat(first.progress()).isEqualTo(Progress.NONE);

        IngestionJob claimed = repository.claim("w1", t0, LEASE, 3).orElseThrow();
        assertThat(repository.enqueue(project.id(), t0.plusSeconds(2)).id()).isEqualTo(claimed.id());
    }

    @Test
    void concurrentEnqueuesMakeOneJob() throws Exception {
        Project project = newProject("busy");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IngestionJob>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return repository.enqueue(project.id(), t0);
            }));
        }
        start.countDown();
        Set<Object> ids = ConcurrentHashMap.newKeySet();
        for (Future<IngestionJob> result : results) {
            ids.add(result.get(30, TimeUnit.SECONDS).id());
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
    }

    @Test
    void claimsTheOldestPendingJobWithALease() {
        Project a = newProject("a");
        Project b = newProject("b");
        IngestionJob jobA = repository.enqueue(a.id(), t0);
        repository.enqueue(b.id(), t0.plusSeconds(1));

        IngestionJob claimed = repository.claim("w1", t0.plusSeconds(2), LEASE, 3).orElseThrow();

        assertThat(claimed.id()).isEqualTo(jobA.id());
        assertThat(claimed.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.leaseOwner()).isEqualTo("w1");
        assertThat(claimed.leaseExpiresAt()).isEqualTo(t0.plusSeconds(2).plus(LEASE));
        assertThat(claimed.startedAt()).isEqualTo(t0.plusSeconds(2));
        assertThat(repository.job(jobA.id())).contains(claimed);
    }

    @Test
    void aHeldJobIsNotClaimedTwice() {
        Project project = newProject("p");
        repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        assertThat(repository.claim("w2", t0.plusSeconds(10), LEASE, 3)).isEmpty();
    }

    @Test
    void claimsOneChosenJob() {
        Project a = newProject("a");
        Project b = newProject("b");
        repository.enqueue(a.id(), t0);
        IngestionJob jobB = repository.enqueue(b.id(), t0.plusSeconds(1));

        IngestionJob claimed = repository.claimJob(jobB.id(), "cli", t0.plusSeconds(2), LEASE).orElseThrow();

        assertThat(claimed.id()).isEqualTo(jobB.id());
        assertThat(claimed.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(claimed.leaseOwner()).isEqualTo("cli");
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(repository.claimJob(jobB.id(), "other", t0.plusSeconds(3), LEASE)).isEmpty();
        assertThat(repository.claimJob(jobB.id(), "other", t0.plusSeconds(3).plus(LEASE), LEASE))
                .get().extracting(IngestionJob::attempts).isEqualTo(2);

        repository.finish(jobB.id(), "other", new JobOutcome.Failed("boom"), t0.plusSeconds(100));
        assertThat(repository.claimJob(jobB.id(), "cli", t0.plusSeconds(101), LEASE)).isEmpty();
        assertThat(repository.claim("w", t0.plusSeconds(102), LEASE, 3).orElseThrow().projectId()).isEqualTo(a.id());
    }

    @Test
    void renewingKeepsTheLease() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        assertThat(repository.renew(job.id(), "w1", t0.plusSeconds(25), LEASE)).isTrue();
        assertThat(repository.claim("w2", t0.plusSeconds(40), LEASE, 3)).isEmpty();
        assertThat(repository.renew(job.id(), "w2", t0.plusSeconds(41), LEASE)).isFalse();
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheOldOwnerIsLockedOut() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        IngestionJob taken = repository.claim("w2", t0.plus(LEASE).plusSeconds(1), LEASE, 3).orElseThrow();

        assertThat(taken.id()).isEqualTo(job.id());
        assertThat(taken.leaseOwner()).isEqualTo("w2");
        assertThat(taken.attempts()).isEqualTo(2);
        assertThat(repository.saveProgress(job.id(), "w1", progress(10), null, t0.plusSeconds(32))).isFalse();
        assertThat(repository.finish(job.id(), "w1", new JobOutcome.Ready("abc", progress(50)), t0.plusSeconds(33)))
                .isFalse();
        assertThat(repository.job(job.id()).orElseThrow().leaseOwner()).isEqualTo("w2");
    }

    @Test
    void givesUpAfterTheMaximumAttempts() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        Instant now = t0;
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(repository.claim("w" + attempt, now, LEASE, 2)).isPresent();
            now = now.plus(LEASE).plusSeconds(1);
        }

        assertThat(repository.claim("w3", now, LEASE, 2)).isEmpty();

        IngestionJob failed = repository.job(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.error()).contains("gave up after 2 attempts");
        assertThat(failed.leaseOwner()).isNull();
    }

    @Test
    void progressNeverGoesBackwards() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        assertThat(repository.saveProgress(job.id(), "w1", progress(40), "c0ffee", t0.plusSeconds(1))).isTrue();
        assertThat(repository.saveProgress(job.id(), "w1", progress(30), null, t0.plusSeconds(2))).isTrue();

        IngestionJob saved = repository.job(job.id()).orElseThrow();
        assertThat(saved.progress().percent()).isEqualTo(40);
        assertThat(saved.progress().chunksDone()).isEqualTo(30);
        assertThat(saved.commit()).isEqualTo("c0ffee");
        assertThat(saved.updatedAt()).isEqualTo(t0.plusSeconds(2));
    }

    @Test
    void progressKeepsTheWorkersEstimateOfTheTimeLeft() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        assertThat(job.progress().eta()).isEmpty();
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        assertThat(repository.saveProgress(job.id(), "w1", progress(40, 754), null, t0.plusSeconds(1))).isTrue();
        assertThat(repository.job(job.id()).orElseThrow().progress()).isEqualTo(progress(40, 754));
        assertThat(repository.latestJob(project.id()).orElseThrow().progress().eta())
                .contains(Duration.ofSeconds(754));

        // A save without an estimate clears it; a lower percent keeps the percent, not the old estimate.
        repository.saveProgress(job.id(), "w1", progress(45), null, t0.plusSeconds(2));
        assertThat(repository.job(job.id()).orElseThrow().progress().eta()).isEmpty();
        repository.saveProgress(job.id(), "w1", progress(30, 12), null, t0.plusSeconds(3));
        assertThat(repository.job(job.id()).orElseThrow().progress()).isEqualTo(progress(45, 12));
    }

    @Test
    void aJobThatIsNotProcessingHasNoEstimate() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();
        repository.saveProgress(job.id(), "w1", progress(20, 300), null, t0.plusSeconds(1));

        repository.release(job.id(), "w1", t0.plusSeconds(2));
        assertThat(repository.job(job.id()).orElseThrow().progress()).isEqualTo(progress(20));

        repository.claim("w2", t0.plusSeconds(3), LEASE, 3).orElseThrow();
        repository.saveProgress(job.id(), "w2", progress(30, 200), null, t0.plusSeconds(4));
        // A worker that crashed left its estimate; the next claim does not show it as its own.
        IngestionJob taken = repository.claim("w3", t0.plusSeconds(4).plus(LEASE), LEASE, 3).orElseThrow();
        assertThat(taken.progress().eta()).isEmpty();
        assertThat(repository.job(job.id()).orElseThrow().progress().eta()).isEmpty();

        repository.saveProgress(job.id(), "w3", progress(60, 100), null, t0.plusSeconds(40));
        repository.finish(job.id(), "w3", new JobOutcome.Failed("boom"), t0.plusSeconds(41));
        assertThat(repository.job(job.id()).orElseThrow().progress()).isEqualTo(progress(60));

        IngestionJob next = repository.enqueue(project.id(), t0.plusSeconds(42));
        repository.claim("w1", t0.plusSeconds(43), LEASE, 3).orElseThrow();
        repository.saveProgress(next.id(), "w1", progress(90, 5), null, t0.plusSeconds(44));
        repository.finish(next.id(), "w1", new JobOutcome.Ready("abc", progress(90, 5)), t0.plusSeconds(45));
        assertThat(repository.job(next.id()).orElseThrow().progress()).isEqualTo(progress(100));
    }

    @Test
    void anAbandonedJobFailsWithoutAnEstimate() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 1).orElseThrow();
        repository.saveProgress(job.id(), "w1", progress(50, 60), null, t0.plusSeconds(1));

        assertThat(repository.claim("w2", t0.plus(LEASE).plusSeconds(1), LEASE, 1)).isEmpty();

        IngestionJob failed = repository.job(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.progress()).isEqualTo(progress(50));
    }

    @Test
    void finishingReadyIsOneHundredPercentAndAllowsANewJob() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();
        Progress last = new Progress(3, 3, 1, 9, 9, 9, 97);

        assertThat(repository.finish(job.id(), "w1", new JobOutcome.Ready("abc123", last), t0.plusSeconds(5)))
                .isTrue();

        IngestionJob ready = repository.job(job.id()).orElseThrow();
        assertThat(ready.status()).isEqualTo(JobStatus.READY);
        assertThat(ready.progress()).isEqualTo(last.withPercent(100));
        assertThat(ready.commit()).isEqualTo("abc123");
        assertThat(ready.finishedAt()).isEqualTo(t0.plusSeconds(5));
        assertThat(ready.leaseOwner()).isNull();
        assertThat(repository.latestReadyJob(project.id())).contains(ready);

        IngestionJob next = repository.enqueue(project.id(), t0.plusSeconds(6));
        assertThat(next.id()).isNotEqualTo(job.id());
        assertThat(repository.latestJob(project.id())).contains(next);
        assertThat(repository.latestReadyJob(project.id())).contains(ready);
    }

    @Test
    void finishingFailedKeepsTheError() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();

        repository.finish(job.id(), "w1", new JobOutcome.Failed("the OpenAI API key was rejected"), t0.plusSeconds(1));

        IngestionJob failed = repository.job(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("the OpenAI API key was rejected");
        assertThat(repository.latestReadyJob(project.id())).isEmpty();
        assertThat(repository.claim("w2", t0.plusSeconds(100), LEASE, 3)).isEmpty();
    }

    @Test
    void aReleasedJobIsPendingAndClaimableAgain() {
        Project project = newProject("p");
        IngestionJob job = repository.enqueue(project.id(), t0);
        repository.claim("w1", t0, LEASE, 3).orElseThrow();
        repository.saveProgress(job.id(), "w1", progress(20), "abc", t0.plusSeconds(1));

        assertThat(repository.release(job.id(), "w1", t0.plusSeconds(2))).isTrue();
        IngestionJob released = repository.job(job.id()).orElseThrow();
        assertThat(released.status()).isEqualTo(JobStatus.PENDING);
        assertThat(released.leaseOwner()).isNull();
        assertThat(released.progress().percent()).isEqualTo(20);

        IngestionJob again = repository.claim("w2", t0.plusSeconds(3), LEASE, 3).orElseThrow();
        assertThat(again.id()).isEqualTo(job.id());
        assertThat(again.progress().percent()).isEqualTo(20);
    }

    @Test
    void concurrentWorkersClaimEachJobExactlyOnce() throws Exception {
        List<Object> jobIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobIds.add(repository.enqueue(newProject("p" + i).id(), t0.plusMillis(i)).id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<Object> claimed = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String worker = "w" + w;
            workers.add(pool.submit(() -> {
                Optional<IngestionJob> job;
                while ((job = repository.claim(worker, t0.plusSeconds(1), LEASE, 3)).isPresent()) {
                    if (!claimed.add(job.get().id())) {
                        duplicates.incrementAndGet();
                    }
                    repository.finish(job.get().id(), worker, new JobOutcome.Ready("c", Progress.NONE),
                            t0.plusSeconds(2));
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(duplicates).hasValue(0);
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(jobIds);
    }

    @Test
    void deletingAProjectRemovesItsJobs() {
        Project project = newProject("gone");
        IngestionJob job = repository.enqueue(project.id(), t0);
        Project kept = newProject("kept");
        repository.enqueue(kept.id(), t0);

        repository.deleteProject(project.id());

        assertThat(repository.project(project.id())).isEmpty();
        assertThat(repository.job(job.id())).isEmpty();
        assertThat(repository.latestJob(project.id())).isEmpty();
        assertThat(repository.projects()).containsExactly(kept);
    }

    @Test
    void keepsTheLastListOfSkippedFilesPerProjectUntilTheProjectGoes() {
        Project project = newProject("skips");
        Project other = newProject("other");
        IngestionJob first = repository.enqueue(project.id(), t0);
        assertThat(repository.skippedFiles(project.id())).isEmpty();

        repository.saveSkippedFiles(project.id(), SkippedFiles.builder(first.id(), "c1")
                .add("docs/a.md", SkipReason.EXCLUDED_PATH, 10).add("big.bin", SkipReason.TOO_LARGE, 99_999).build());
        repository.saveSkippedFiles(project.id(), SkippedFiles.builder(first.id(), "c2")
                .add("img.png", SkipReason.EXCLUDED_PATH, 5).build());
        repository.saveSkippedFiles(other.id(), SkippedFiles.builder(first.id(), "o").build());

        SkippedFiles kept = repository.skippedFiles(project.id()).orElseThrow();
        assertThat(kept.commit()).contains("c2");
        assertThat(kept.jobId()).contains(first.id());
        assertThat(kept.page(Optional.empty(), 0, 10))
                .containsExactly(new SkippedFiles.Entry("img.png", SkipReason.EXCLUDED_PATH, 5));
        assertThat(repository.skippedFiles(other.id()).orElseThrow().total()).isZero();

        repository.deleteProject(project.id());
        assertThat(repository.skippedFiles(project.id())).isEmpty();
        repository.saveSkippedFiles(project.id(), SkippedFiles.builder(first.id(), "late").build());
        assertThat(repository.skippedFiles(project.id())).as("a deleted project keeps nothing").isEmpty();
    }

    @Test
    void keepsTheLatestRemoteHeadOfEachProject() {
        Project project = newProject("p");
        Project other = newProject("o");
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        assertThat(repository.remoteHead(project.id())).isEmpty();

        repository.saveRemoteHead(project.id(), new RemoteHead(a, t0));
        repository.saveRemoteHead(project.id(), new RemoteHead(b, t0.plusSeconds(60)));
        repository.saveRemoteHead(project.id(), new RemoteHead(a, t0.plusSeconds(30)));
        repository.saveRemoteHead(other.id(), new RemoteHead(a, t0.plusSeconds(5)));

        assertThat(repository.remoteHead(project.id())).as("an older sighting changes nothing")
                .contains(new RemoteHead(b, t0.plusSeconds(60)));
        assertThat(repository.remoteHead(other.id())).contains(new RemoteHead(a, t0.plusSeconds(5)));

        repository.deleteProject(project.id());
        assertThat(repository.remoteHead(project.id())).isEmpty();
        repository.saveRemoteHead(project.id(), new RemoteHead(a, t0.plusSeconds(90)));
        assertThat(repository.remoteHead(project.id())).as("a deleted project keeps nothing").isEmpty();
        assertThat(repository.remoteHead(other.id())).isPresent();
    }

    @Test
    void keepsTheNewestAnswerTimeOfEachRateBudget() {
        assertThat(repository.answerTime("openai:aa11")).isEmpty();

        repository.saveAnswerTime("openai:aa11", new AnswerTime(0.3125, 557, t0.plusSeconds(60)));
        repository.saveAnswerTime("openai:aa11", new AnswerTime(9.5, 6, t0.plusSeconds(30))); // late news of before
        repository.saveAnswerTime("openai:bb22", new AnswerTime(1.5, 12, t0));

        assertThat(repository.answerTime("openai:aa11")).as("an older record changes nothing")
                .contains(new AnswerTime(0.3125, 557, t0.plusSeconds(60)));
        assertThat(repository.answerTime("openai:bb22")).contains(new AnswerTime(1.5, 12, t0));

        repository.saveAnswerTime("openai:aa11", new AnswerTime(0.04, 5, t0.plusSeconds(90)));
        assertThat(repository.answerTime("openai:aa11")).contains(new AnswerTime(0.04, 5, t0.plusSeconds(90)));
        assertThat(repository.answerTime("openai:cc33")).isEmpty();
    }

    @Test
    void remembersWhenEachKindOfWorkerWasLastSeen() {
        assertThat(repository.workersLastSeen()).isEmpty();

        repository.workerSeen(WorkerKind.WORKER, t0.plusSeconds(10));
        repository.workerSeen(WorkerKind.WORKER, t0.plusSeconds(5)); // late news of an earlier time
        repository.workerSeen(WorkerKind.RUN, t0);

        assertThat(repository.workersLastSeen()).isEqualTo(Map.of(WorkerKind.WORKER, t0.plusSeconds(10),
                WorkerKind.RUN, t0));
    }

    @Test
    void countsEveryJobThatEndsOnceByStatusAndKeepsCountingWhenProjectsGo() {
        assertThat(repository.finishedJobs()).isEmpty();
        Project project = newProject("counted");
        IngestionJob failed = repository.enqueue(project.id(), t0);
        repository.claim("w", t0, LEASE, 3);
        repository.finish(failed.id(), "w", new JobOutcome.Failed("boom"), t0.plusSeconds(1));
        repository.finish(failed.id(), "w", new JobOutcome.Failed("again"), t0.plusSeconds(2)); // not held: no-op
        IngestionJob retried = repository.enqueue(project.id(), t0.plusSeconds(3));
        repository.claim("w", t0.plusSeconds(3), LEASE, 3);
        repository.finish(retried.id(), "w", new JobOutcome.Ready("c", progress(100)), t0.plusSeconds(4));
        // A job whose worker kept disappearing is given up on: FAILED too.
        Project other = newProject("abandoned");
        repository.enqueue(other.id(), t0);
        repository.claim("gone", t0, Duration.ofSeconds(1), 1);

        repository.claim("w", t0.plusSeconds(60), LEASE, 1);

        assertThat(repository.finishedJobs()).isEqualTo(Map.of(JobStatus.FAILED, 2L, JobStatus.READY, 1L));
        repository.deleteProject(project.id());
        assertThat(repository.finishedJobs()).isEqualTo(Map.of(JobStatus.FAILED, 2L, JobStatus.READY, 1L));
    }

    @Test
    void enqueueForAnUnknownProjectFails() {
        assertThatThrownBy(() -> repository.enqueue(ProjectId.random(), t0)).isInstanceOf(StoreException.class);
    }

    protected static Progress progress(int percent) {
        return new Progress(10, 3, 1, 40, 30, 30, percent);
    }

    protected static Progress progress(int percent, long etaSeconds) {
        return new Progress(10, 3, 1, 40, 30, 30, percent, etaSeconds);
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.JobRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four workers, each with its own connection pool as separate processes would have, drain 200
 * jobs (50 each on average) with progress saves and renewals: every job is done exactly once.
 */
class JobQueueConcurrencyTest {
    private static final TestSchema SCHEMA = new TestSchema("queue");
    private static final int WORKERS = 4;
    private static final int JOBS = WORKERS * 50;
    private static final Duration LEASE = Duration.ofMinutes(5);

    @AfterAll
    static void dropSchema() {
        SCHEMA.close();
    }

    @Test
    void fourWorkersDoEveryJobExactlyOnce() throws Exception {
        JobRepository setup = SCHEMA.open("queue-model", 8).jobs();
        List<JobId> queued = new ArrayList<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < JOBS; i++) {
            ProjectId id = ProjectId.random();
            setup.saveProject(new Project(id, "p" + i, "https://example.com/" + i + ".git", null, t0));
            queued.add(setup.enqueue(id, t0.plusMillis(i)).id());
        }

        Map<JobId, String> doneBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger lostUpdates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        CountDownLatch start = new CountDownLatch(1);
        List<PgDatabase> databases = new ArrayList<>();
        List<Future<Integer>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            PgDatabase db = SCHEMA.builder().embeddingModel("queue-model", 8).poolSize(2).build();
            databases.add(db);
            String worker = "worker-" + w;
            workers.add(pool.submit(() -> {
                start.await();
                JobRepository jobs = db.jobs();
                int done = 0;
                Optional<IngestionJob> claimed;
                while ((claimed = jobs.claim(worker, Instant.now(), LEASE, 3)).isPresent()) {
                    JobId id = claimed.get().id();
                    if (doneBy.putIfAbsent(id, worker) != null) {
                        duplicates.incrementAndGet();
                    }
                    boolean ok = jobs.saveProgress(id, worker, new Progress(2, 1, 0, 4, 2, 2, 50), "c1", Instant.now())
                            && jobs.renew(id, worker, Instant.now(), LEASE)
                            && jobs.finish(id, worker, new JobOutcome.Ready("c1", new Progress(2, 2, 0, 4, 4, 4, 99)),
                            Instant.now());
                    if (!ok) {
                        lostUpdates.incrementAndGet();
                    }
                    done++;
                }
                return done;
            }));
        }
        start.countDown();
        List<Integer> perWorker = new ArrayList<>();
        for (Future<Integer> worker : workers) {
            perWorker.add(worker.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        databases.forEach(PgDatabase::close);

        assertThat(duplicates).hasValue(0);
        assertThat(lostUpdates).hasValue(0);
        assertThat(doneBy.keySet()).containsExactlyInAnyOrderElementsOf(queued);
        assertThat(perWorker.stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
        assertThat(perWorker).as("every worker got work").allSatisfy(n -> assertThat(n).isPositive());
        for (JobId id : queued) {
            IngestionJob job = setup.job(id).orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.READY);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.progress().percent()).isEqualTo(100);
        }
    }
}

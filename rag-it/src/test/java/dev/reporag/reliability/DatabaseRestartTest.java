package dev.reporag.reliability;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.StoreException;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL is restarted (the machine's cluster, as an operator or a managed service would) while
 * a `rag worker` process is in the middle of a job. The worker reconnects; the job completes or is
 * resumed from what is stored; nothing stored is lost or duplicated, and the worker goes on.
 * Needs root and pg_ctlcluster (as in CI, where nothing else uses the cluster meanwhile).
 */
class DatabaseRestartTest {
    @TempDir
    Path tmp;

    @Test
    void theWorkerSurvivesAPostgresRestartMidJob() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("restart"), GitRepos.generatedCode(40, 3));
        try (TestSchema db = new TestSchema("restart")) {
            Map<String, String> env = new HashMap<>(Map.of("RAG_EMBEDDER", "hashing", "RAG_BATCH_SIZE", "2",
                    "RAG_DELAY", "0.05", "RAG_CONCURRENCY", "1", "RAG_LEASE", "3", "RAG_ALLOW_LOCAL_SOURCES", "true"));
            env.put("DATABASE_URL", db.databaseUrl());
            env.put("RAG_HOME", tmp.resolve("home").toString());
            try (Child worker = Child.start(tmp.resolve("worker.log"), env, "worker")) {
                CrashTest.awaitMatch(worker, Pattern.compile("worker (w-[0-9a-f]+) running"), 60);
                JobId jobId;
                Set<String> storedBefore;
                ProjectId restarted = ProjectId.random();
                try (PgDatabase pg = db.openAsStored()) {
                    pg.jobs().saveProject(new Project(restarted, "restarted", repo.toString(), null, Instant.now()));
                    jobId = pg.jobs().enqueue(restarted, Instant.now()).id();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (pg.jobs().job(jobId).orElseThrow().progress().percent() < 20) {
                        assertThat(System.nanoTime()).as("the job never got to 20%").isLessThan(deadline);
                        Thread.sleep(20);
                    }
                    storedBefore = ids(db, restarted);
                }
                Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main",
                        "restart").redirectErrorStream(true).start();
                String restartOutput = new String(restart.getInputStream().readAllBytes());
                assertThat(restart.waitFor()).as("pg_ctlcluster restart: " + restartOutput).isZero();

                IngestionJob job = awaitFinished(db, jobId, 90);
                assertThat(job.status()).as(job.error() + "\n" + worker.output()).isEqualTo(JobStatus.READY);
                assertThat(job.attempts()).as("the lost connections were replaced within the first attempt")
                        .isEqualTo(1);
                Set<String> after = ids(db, restarted);
                assertThat(after).as("nothing stored before the restart is lost").containsAll(storedBefore);

                // The same worker goes on: a clean run of the same repository, for comparison.
                ProjectId clean = ProjectId.random();
                JobId cleanJob;
                try (PgDatabase pg = db.openAsStored()) {
                    pg.jobs().saveProject(new Project(clean, "clean", repo.toString(), null, Instant.now()));
                    cleanJob = pg.jobs().enqueue(clean, Instant.now()).id();
                }
                assertThat(awaitFinished(db, cleanJob, 60).status()).isEqualTo(JobStatus.READY);
                List<StoredChunks.Stored> all = StoredChunks.postgres(db);
                assertThat(all.stream().map(StoredChunks.Stored::id).distinct().count()).isEqualTo(all.size());
                assertThat(contents(all, restarted)).isEqualTo(contents(all, clean)).hasSize(after.size());
            }
        }
    }

    private static Set<String> contents(List<StoredChunks.Stored> chunks, ProjectId project) {
        return CrashTest.contents(chunks.stream().filter(c -> c.project().equals(project.value())).toList());
    }

    private static Set<String> ids(TestSchema db, ProjectId project) throws Exception {
        return StoredChunks.postgres(db).stream().filter(c -> c.project().equals(project.value()))
                .map(StoredChunks.Stored::id).collect(Collectors.toSet());
    }

    /** Polls with fresh connections, so the test's own pool does not need to survive the restart. */
    private static IngestionJob awaitFinished(TestSchema db, JobId id, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        IngestionJob job = null;
        while (System.nanoTime() < deadline) {
            try (PgDatabase pg = db.openAsStored()) {
                job = pg.jobs().job(id).orElseThrow();
                if (job.status().isFinished()) {
                    return job;
                }
            } catch (StoreException | java.sql.SQLException e) {
                // still restarting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job not finished within " + seconds + " s: " + job);
    }
}

package dev.reporag.reliability;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project deleted while a `rag worker` in another process is storing its chunks on PostgreSQL:
 * nothing of it is left (chunks, jobs, conversations), the worker notices and stops that job, and
 * goes on with the next project. Before the write fence, the batch in flight landed after the
 * delete and stayed for good.
 */
class DeleteDuringIngestionTest {
    /** One chunk pair per request, paced: the job runs long enough to be deleted mid-way. */
    private static final Map<String, String> SLOW = Map.of("RAG_EMBEDDER", "hashing", "RAG_BATCH_SIZE", "2",
            "RAG_DELAY", "0.05", "RAG_CONCURRENCY", "2", "RAG_ALLOW_LOCAL_SOURCES", "true");

    @TempDir
    Path tmp;

    @Test
    void deletingAProjectWhileAnotherProcessIndexesItLeavesNothing() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(40, 3));
        try (TestSchema db = new TestSchema("delete")) {
            Map<String, String> env = new HashMap<>(SLOW);
            env.put("DATABASE_URL", db.databaseUrl());
            env.put("RAG_HOME", tmp.resolve("home").toString());
            HashingEmbedder hashing = new HashingEmbedder(256, 4000);
            try (PgDatabase pg = PgDatabase.builder(db.databaseUrl()).embeddingModel(hashing.modelId(), 256).build();
                 Child worker = Child.start(tmp.resolve("worker.log"), env, "worker")) {
                ProjectId doomed = new ProjectId("doomed-project");
                pg.jobs().saveProject(new Project(doomed, "doomed", repo.toString(), null, Instant.now()));
                IngestionJob job = pg.jobs().enqueue(doomed, Instant.now());
                String conversation = pg.conversations().start(doomed, Instant.now());
                pg.conversations().append(conversation, new Turn("q", "a"), Instant.now());

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (pg.jobs().job(job.id()).orElseThrow().progress().percent() < 20) {
                    assertThat(System.nanoTime()).as("the job never got to 20%%: %s", worker.output()).isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(pg.vectorStore().count(doomed)).isPositive();
                // What RepoRag.delete (DELETE /api/projects/{id}) does, from this process.
                pg.jobs().deleteProject(doomed);
                pg.vectorStore().deleteProject(doomed);

                long stopBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!worker.output().contains("was deleted or its job taken over")
                        && !worker.output().contains("lost its lease")) {
                    assertThat(System.nanoTime()).as("the worker did not notice: %s", worker.output()).isLessThan(stopBy);
                    Thread.sleep(50);
                }
                Thread.sleep(1000); // anything still in flight has landed by now
                assertThat(rows(db, "SELECT count(*) FROM chunks WHERE project_id = 'doomed-project'")).isZero();
                assertThat(rows(db, "SELECT count(*) FROM chunks c WHERE NOT EXISTS"
                        + " (SELECT 1 FROM projects p WHERE p.id = c.project_id)")).as("chunks of no project").isZero();
                assertThat(rows(db, "SELECT count(*) FROM ingestion_jobs")).isZero();
                assertThat(rows(db, "SELECT count(*) FROM conversations")).isZero();
                assertThat(rows(db, "SELECT count(*) FROM conversation_turns")).isZero();
                assertThat(rows(db, "SELECT count(*) FROM projects")).isZero();
                assertThat(rows(db, "SELECT count(*) FROM project_models")).isZero();

                // The same worker goes on with the next project.
                ProjectId next = new ProjectId("next-project");
                pg.jobs().saveProject(new Project(next, "next", repo.toString(), null, Instant.now()));
                IngestionJob nextJob = pg.jobs().enqueue(next, Instant.now());
                while (!pg.jobs().job(nextJob.id()).orElseThrow().status().isFinished()) {
                    assertThat(System.nanoTime()).as(worker.output()).isLessThan(stopBy + TimeUnit.SECONDS.toNanos(90));
                    Thread.sleep(50);
                }
                assertThat(pg.jobs().job(nextJob.id()).orElseThrow().status().name()).isEqualTo("READY");
                assertThat(worker.output()).doesNotContain("Exception");
            }
        }
    }

    private static long rows(TestSchema db, String sql) throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}

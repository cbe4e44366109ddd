package dev.reporag.pgvector;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM is killed with SIGKILL in the middle of an ingestion. Its lease runs out, another
 * worker takes the job over and finishes it, and the chunk rows are exactly those of a clean run.
 */
class WorkerCrashTest {
    private static final TestSchema CLEAN = new TestSchema("crash_clean");
    private static final TestSchema CRASHED = new TestSchema("crash_killed");
    private static final String CHUNK_ROWS = "SELECT c.id, c.project_id, c.path, c.language, c.start_line,"
            + " c.end_line, c.content_hash, md5(c.text), md5(e.embedding::text) FROM chunks c"
            + " JOIN embeddings e ON e.space_id = c.space_id AND e.key = c.embedding_key ORDER BY c.id";

    @AfterAll
    static void dropSchemas() {
        CLEAN.close();
        CRASHED.close();
    }

    @Test
    void aKilledWorkersJobIsTakenOverAndEndsAsAfterACleanRun() throws Exception {
        List<String> expected = cleanRun();

        PgDatabase db = CRASHED.open(CrashFixture.MODEL_ID, CrashFixture.DIMENSION);
        db.jobs().saveProject(new Project(CrashFixture.PROJECT, "crash", CrashFixture.SOURCE, null, Instant.now()));
        IngestionJob queued = db.jobs().enqueue(CrashFixture.PROJECT, Instant.now());

        Process child = startChild();
        try {
            waitUntil(() -> count(CRASHED, "SELECT count(*) FROM chunks") >= 8, child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no release, the lease is simply abandoned
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        IngestionJob abandoned = db.jobs().job(queued.id()).orElseThrow();
        assertThat(abandoned.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(abandoned.leaseOwner()).isEqualTo("doomed-worker");
        int storedAtKill = count(CRASHED, "SELECT count(*) FROM chunks");
        assertThat(storedAtKill).isPositive().isLessThan(expected.size());

        try (RepoRag rescuer = CrashFixture.repoRag(db, 0)) {
            assertThat(rescuer.processNext("rescuer")).as("the lease has not expired yet").isEmpty();
            Optional<IngestionJob> finished = Optional.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (finished.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                finished = rescuer.processNext("rescuer");
            }
            IngestionJob job = finished.orElseThrow(() -> new AssertionError("the job was never taken over"));
            assertThat(job.id()).isEqualTo(queued.id());
            assertThat(job.status()).isEqualTo(JobStatus.READY);
            assertThat(job.attempts()).isEqualTo(2);
            // Chunks stored before the kill were kept, not embedded again.
            assertThat(job.progress().chunksEmbedded()).isEqualTo(expected.size() - storedAtKill);
        }
        assertThat(rows(CRASHED)).isEqualTo(expected);
    }

    private List<String> cleanRun() throws SQLException {
        PgDatabase db = CLEAN.open(CrashFixture.MODEL_ID, CrashFixture.DIMENSION);
        db.jobs().saveProject(new Project(CrashFixture.PROJECT, "crash", CrashFixture.SOURCE, null, Instant.now()));
        db.jobs().enqueue(CrashFixture.PROJECT, Instant.now());
        try (RepoRag rag = CrashFixture.repoRag(db, 0)) {
            assertThat(rag.processNext("clean").orElseThrow().status()).isEqualTo(JobStatus.READY);
        }
        List<String> rows = rows(CLEAN);
        assertThat(rows).hasSizeGreaterThan(40);
        return rows;
    }

    private static Process startChild() throws Exception {
        Path log = Files.createTempFile("crashing-worker", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashingWorkerMain.class.getName(), CRASHED.name(), "doomed-worker")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(TestSchema.ENV, TestSchema.serverUrl());
        log.toFile().deleteOnExit();
        return builder.start();
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Condition condition, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (!child.isAlive()) {
                throw new AssertionError("the worker JVM exited (" + child.exitValue() + ") before it was killed");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the worker JVM stored no chunks within 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static int count(TestSchema schema, String sql) throws SQLException {
        try (Connection connection = schema.connection(); Statement statement = connection.createStatement()) {
            if (!tableExists(statement)) {
                return 0;
            }
            try (ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static boolean tableExists(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT to_regclass('chunks') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private static List<String> rows(TestSchema schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = schema.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(CHUNK_ROWS)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(result.getString(c)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

}

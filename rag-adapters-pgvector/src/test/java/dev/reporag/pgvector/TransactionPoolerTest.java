package dev.reporag.pgvector;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * repo-rag behind a connection pooler in transaction mode, as hosted PostgreSQL offers it
 * (Supabase's pooler on port 6543, PgBouncer in front of a small server): every transaction of a
 * client may run on another server connection, so nothing may live in a server session between
 * transactions. The pooler is the PgBouncer that scripts/setup-postgres.sh starts (three server
 * connections for all clients), named by RAG_TEST_POOLER_URL; without it the tests fail, never skip.
 * Each run gets a database of its own (a pooler passes no schema on connect).
 */
class TransactionPoolerTest {
    static final String ENV = "RAG_TEST_POOLER_URL";
    private static final int DIMENSION = 8;
    private static String database;
    private static String poolerUrl;

    @BeforeAll
    static void createDatabase() throws SQLException {
        String pooler = System.getenv(ENV);
        assertThat(pooler).as(ENV + " names the PgBouncer in transaction mode that scripts/setup-postgres.sh starts"
                + " (scripts/test.sh sets it)").isNotBlank();
        database = "reporag_pooler_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        DatabaseUrl direct = DatabaseUrl.parse(TestSchema.serverUrl());
        try (Connection connection = DriverManager.getConnection(withDatabase(direct.jdbcUrl()), direct.user().orElse(null),
                direct.password().orElse(null)); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector");
        }
        poolerUrl = withDatabase(pooler.strip());
    }

    /** The same server (or pooler), this run's database. */
    private static String withDatabase(String jdbcUrl) {
        return jdbcUrl.replaceFirst("(//[^/]+/)[^?]*", "$1" + database);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void threeProcessesThroughThePoolerOpenTheDatabaseAtOnceAndWorkSideBySide() throws Exception {
        int processes = 3;
        int threadsEach = 3;
        CyclicBarrier opening = new CyclicBarrier(processes);
        ExecutorService threads = Executors.newFixedThreadPool(processes * threadsEach);
        List<PgDatabase> opened = new ArrayList<>();
        try {
            // All migrate a new database at once, through a pooler with fewer server connections than
            // they would hold if waiting for the migration lock held one each.
            List<Future<PgDatabase>> openings = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                openings.add(threads.submit(() -> {
                    opening.await();
                    return PgDatabase.builder(poolerUrl).embeddingModel("pooled-model", DIMENSION).build();
                }));
            }
            for (Future<PgDatabase> db : openings) {
                opened.add(db.get(60, TimeUnit.SECONDS));
            }
            // Then every kind of work from several threads of each: statements run many times each,
            // on connections whose transactions the pooler spreads over its three server connections.
            List<Future<Integer>> work = new ArrayList<>();
            for (PgDatabase db : opened) {
                for (int t = 0; t < threadsEach; t++) {
                    work.add(threads.submit(() -> exercise(db, 25)));
                }
            }
            for (Future<Integer> done : work) {
                assertThat(done.get(120, TimeUnit.SECONDS)).isEqualTo(25);
            }
        } finally {
            threads.shutdownNow();
            opened.forEach(PgDatabase::close);
        }
    }

    @Test
    void statementsAreNotPreparedOnTheServerUnlessTheUrlAsksForIt() throws SQLException {
        try (PgDatabase pooled = PgDatabase.builder(poolerUrl).embeddingModel("pooled-model", DIMENSION).build();
             PgDatabase asked = PgDatabase.builder(poolerUrl + (poolerUrl.contains("?") ? "&" : "?")
                     + "prepareThreshold=5").embeddingModel("pooled-model", DIMENSION).build();
             Connection plain = pooled.dataSource().getConnection();
             Connection prepared = asked.dataSource().getConnection()) {
            assertThat(plain.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
            assertThat(prepared.unwrap(PGConnection.class).getPrepareThreshold()).isEqualTo(5);
        }
    }

    /** One project's life, {@code rounds} times: register, queue, claim, chunks, searches, a conversation. */
    private static int exercise(PgDatabase db, int rounds) {
        int done = 0;
        for (int i = 0; i < rounds; i++) {
            ProjectId project = ProjectId.random();
            Instant now = Instant.now();
            db.jobs().saveProject(new Project(project, "pooled-" + project, "https://example.com/r.git", null, now));
            IngestionJob queued = db.jobs().enqueue(project, now);
            Optional<IngestionJob> claimed = db.jobs().claimJob(queued.id(), "w-" + project, now, Duration.ofMinutes(1));
            assertThat(claimed).isPresent();
            Chunk chunk = Chunk.of(project, "src/Pooled" + i + ".java", "java", 1, 1, "class Pooled" + i + " { int lease; }");
            float[] vector = new float[DIMENSION];
            vector[i % DIMENSION] = 1;
            db.vectorStore().upsert(List.of(new EmbeddedChunk(chunk, vector)));
            assertThat(db.jobs().finish(queued.id(), "w-" + project, new JobOutcome.Ready("c1", new Progress(1, 1, 0, 1, 1, 1, 100)), now)).isTrue();
            assertThat(db.vectorStore().vectorSearch(project, vector, 3)).hasSize(1);
            assertThat(db.vectorStore().keywordSearch(project, "lease", 3)).hasSize(1);
            String conversation = db.conversations().start(project, now);
            db.conversations().append(conversation, new Turn("where is the lease?", "in Pooled" + i), now);
            assertThat(db.conversations().turns(conversation)).hasSize(1);
            assertThat(db.jobs().latestReadyJob(project)).isPresent();
            db.vectorStore().deleteProject(project);
            db.jobs().deleteProject(project);
            done++;
        }
        return done;
    }
}

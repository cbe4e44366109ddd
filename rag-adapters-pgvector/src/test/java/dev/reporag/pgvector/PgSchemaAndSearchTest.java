package dev.reporag.pgvector;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema Flyway builds, the model check, and what the store does beyond the port contract. */
class PgSchemaAndSearchTest {
    private static final TestSchema SCHEMA = new TestSchema("schema");
    private static final int DIMENSION = 16;
    private final ProjectId alpha = ProjectId.random();
    private final ProjectId beta = ProjectId.random();
    private PgDatabase db;

    @BeforeEach
    void open() {
        db = SCHEMA.open("model-a", DIMENSION);
        SCHEMA.truncate("chunks", "projects");
    }

    @AfterAll
    static void dropSchema() {
        SCHEMA.close();
    }

    @Test
    void migratingAgainChangesNothing() throws SQLException {
        int applied = count("SELECT count(*) FROM " + SchemaMigrations.HISTORY_TABLE + " WHERE success");
        db.migrate();
        db.migrate();
        assertThat(count("SELECT count(*) FROM " + SchemaMigrations.HISTORY_TABLE + " WHERE success"))
                .isEqualTo(applied);
        assertThat(count("SELECT count(*) FROM embedding_model")).isEqualTo(1);
    }

    @Test
    void aDatabaseOfTheFirstReleaseUpgradesAndItsJobsHaveNoEstimateUntilAWorkerSavesOne() throws SQLException {
        try (TestSchema first = new TestSchema("upgrade")) {
            DatabaseUrl server = DatabaseUrl.parse(TestSchema.serverUrl());
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(server.jdbcUrl());
            server.user().ifPresent(dataSource::setUser);
            server.password().ifPresent(dataSource::setPassword);
            dataSource.setCurrentSchema(first.name() + ",public");
            Flyway.configure().dataSource(dataSource).locations("classpath:db/reporag")
                    .table(SchemaMigrations.HISTORY_TABLE).placeholders(Map.of("dimension", "16"))
                    .schemas(first.name()).defaultSchema(first.name()).createSchemas(true)
                    .target("1").load().migrate();
            try (Connection connection = first.connection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO projects (id, name, source, created_at)"
                        + " VALUES ('" + alpha + "', 'shop', 'https://example.com/shop.git', now())");
                statement.executeUpdate("INSERT INTO ingestion_jobs (id, project_id, status, percent, attempts,"
                        + " created_at, updated_at, lease_owner, lease_expires_at) VALUES ('old-job', '" + alpha
                        + "', 'PROCESSING', 42, 1, now(), now(), 'w1', now() + interval '1 hour')");
                statement.executeUpdate("INSERT INTO ingestion_jobs (id, project_id, status, percent, attempts,"
                        + " created_at, updated_at) VALUES ('done-job', '" + alpha + "', 'READY', 100, 1,"
                        + " now() - interval '1 day', now())");
            }

            PgDatabase upgraded = first.open("model-a", DIMENSION);

            IngestionJob old = upgraded.jobs().job(new JobId("old-job")).orElseThrow();
            assertThat(old.progress().percent()).isEqualTo(42);
            assertThat(old.progress().eta()).isEmpty();
            assertThat(upgraded.jobs().saveProgress(old.id(), "w1", old.progress().withEta(
                    Optional.of(Duration.ofSeconds(90))), null, Instant.now())).isTrue();
            assertThat(upgraded.jobs().job(old.id()).orElseThrow().progress().eta()).contains(Duration.ofSeconds(90));
            // Jobs that ended before the upgrade are counted from the start.
            assertThat(upgraded.jobs().finishedJobs()).isEqualTo(Map.of(JobStatus.READY, 1L));
            assertThat(upgraded.jobs().skippedFiles(alpha)).isEmpty();
        }
    }

    @Test
    void createsTheIndexesThatSearchesAndDeletesNeed() throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (Connection connection = SCHEMA.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = '"
                     + SCHEMA.name() + "'")) {
            while (rows.next()) {
                indexes.add(rows.getString(1));
            }
        }
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("USING hnsw (embedding vector_cosine_ops)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("USING gin (keywords)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("chunks USING btree (project_id, path)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("UNIQUE INDEX ingestion_jobs_one_active_per_project")
                .contains("WHERE (status = ANY (ARRAY['PENDING'::text, 'PROCESSING'::text]))"));
    }

    @Test
    void aDatabaseHoldingVectorsRefusesAnotherModelOrDimensionAndSaysHowToSwitch() {
        db.vectorStore().upsert(List.of(embedded(chunk(alpha, "A.java", "class A {}"), axis(0))));

        assertThatThrownBy(() -> SCHEMA.builder().embeddingModel("model-b", DIMENSION).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("holds 1 vectors of embedding model 'model-a' (16 dimensions)")
                .hasMessageContaining("configured model is 'model-b' (16 dimensions)")
                .hasMessageContaining("switch models by indexing again into an empty store");
        assertThatThrownBy(() -> SCHEMA.builder().embeddingModel("model-a", 384).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("configured model is 'model-a' (384 dimensions)");
        try (PgDatabase same = SCHEMA.builder().embeddingModel("model-a", DIMENSION).poolSize(2).build()) {
            assertThat(same.vectorStore().count(alpha)).isEqualTo(1);
        }
    }

    @Test
    void aDatabaseWithNoVectorsTakesTheModelOfTheRunAndItsDimension() throws SQLException {
        try (TestSchema fresh = new TestSchema("adopt")) {
            // A first command without an API key records the in-process model; nothing was embedded.
            fresh.open("all-minilm-l6-v2", 384);
            try (PgDatabase openAi = fresh.builder().embeddingModel("text-embedding-3-small", 1536).poolSize(2)
                    .build()) {
                float[] vector = new float[1536];
                vector[7] = 1;
                openAi.vectorStore().upsert(List.of(embedded(chunk(alpha, "A.java", "class A {}"), vector)));
                assertThat(openAi.vectorStore().vectorSearch(alpha, vector, 1)).hasSize(1);
            }
            try (Connection connection = fresh.connection(); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT model_id, dimension FROM embedding_model")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("text-embedding-3-small");
                assertThat(row.getInt(2)).isEqualTo(1536);
            }
            assertThatThrownBy(() -> fresh.builder().embeddingModel("all-minilm-l6-v2", 384).build())
                    .hasMessageContaining("holds 1 vectors of embedding model 'text-embedding-3-small'");
        }
    }

    @Test
    void theDatabaseItselfAllowsOneActiveJobPerProject() throws SQLException {
        Project project = new Project(alpha, "one-active", "https://example.com/r.git", null, Instant.now());
        db.jobs().saveProject(project);
        db.jobs().enqueue(alpha, Instant.now());
        try (Connection connection = SCHEMA.connection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO ingestion_jobs (id, project_id, status,"
                    + " created_at, updated_at) VALUES ('second', '" + alpha + "', 'PROCESSING', now(), now())"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ingestion_jobs_one_active_per_project");
        }
    }

    @Test
    void keywordSearchFindsPartsOfIdentifiersAndPaths() {
        var store = db.vectorStore();
        store.upsert(List.of(
                embedded(chunk(alpha, "src/main/java/app/HttpRequestParser.java", "class HTTPServer {\n"
                        + "  void handle_incoming_request(RequestContext ctx) {}\n}"), axis(0)),
                embedded(chunk(alpha, "docs/notes.txt", "nothing to see here"), axis(1))));

        assertThat(paths(store.keywordSearch(alpha, "server", 5))).containsExactly("src/main/java/app/HttpRequestParser.java");
        assertThat(paths(store.keywordSearch(alpha, "incoming", 5))).containsExactly("src/main/java/app/HttpRequestParser.java");
        assertThat(paths(store.keywordSearch(alpha, "handle_incoming_request", 5))).hasSize(1);
        assertThat(paths(store.keywordSearch(alpha, "RequestContext", 5))).hasSize(1);
        assertThat(paths(store.keywordSearch(alpha, "what does the parser do?", 5)))
                .first().isEqualTo("src/main/java/app/HttpRequestParser.java");
        assertThat(paths(store.keywordSearch(alpha, "notes", 5))).containsExactly("docs/notes.txt");
        assertThat(store.keywordSearch(alpha, "?!' & | :*", 5)).isEmpty();
    }

    @Test
    void keywordSearchLeavesOutEnglishStopWords() {
        var store = db.vectorStore();
        store.upsert(List.of(
                embedded(chunk(alpha, "src/Parser.java", "class Parser {\n  Config parse(String text) {}\n}"), axis(0)),
                embedded(chunk(alpha, "guide.txt", "It is the way it is. The box is in the hall, and it is not in"
                        + " the bag; it is the one that is there."), axis(1))));

        assertThat(paths(store.keywordSearch(alpha, "where is the parser?", 5))).containsExactly("src/Parser.java");
        assertThat(store.keywordSearch(alpha, "is it the one?", 5)).as("only stop words and one").hasSize(1);
        assertThat(store.keywordSearch(alpha, "is it in the", 5)).as("only stop words").isEmpty();
    }

    @Test
    void aBatchOfAHundredChunksIsOneStatement() throws SQLException {
        AtomicInteger statements = new AtomicInteger();
        PgVectorStore store = new PgVectorStore(counting(statements), DIMENSION, VectorSearch.EXACT, 40, 0);
        Random random = new Random(3);
        List<EmbeddedChunk> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(embedded(chunk(alpha, "f" + i + ".java", "line " + i), random(random)));
        }

        store.upsert(batch);

        assertThat(statements).hasValue(1);
        assertThat(count("SELECT count(*) FROM chunks")).isEqualTo(100);
    }

    @Test
    void everySearchStrategyReturnsKNearestWhenTheProjectIsASmallShare() {
        Random random = new Random(11);
        List<EmbeddedChunk> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(embedded(chunk(beta, "b/" + i + ".java", "beta " + i), random(random)));
            if (rows.size() == 500) {
                db.vectorStore().upsert(rows);
                rows.clear();
            }
        }
        for (int i = 0; i < 30; i++) {
            rows.add(embedded(chunk(alpha, "a/" + i + ".java", "alpha " + i), random(random)));
        }
        db.vectorStore().upsert(rows);
        float[] query = random(random);

        List<List<String>> results = new ArrayList<>();
        for (VectorSearch mode : VectorSearch.values()) {
            PgVectorStore store = new PgVectorStore(dataSource(), DIMENSION, mode, 40, 10);
            List<ScoredChunk> hits = store.vectorSearch(alpha, query, 10);
            assertThat(hits).as(mode.name()).hasSize(10)
                    .allSatisfy(h -> assertThat(h.chunk().projectId()).isEqualTo(alpha))
                    .isSortedAccordingTo(Comparator.comparingDouble(ScoredChunk::score).reversed());
            results.add(hits.stream().map(h -> h.chunk().id()).toList());
        }
        assertThat(results.get(1)).isEqualTo(results.get(0));
    }

    private static List<String> paths(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().path()).toList();
    }

    private static Chunk chunk(ProjectId project, String path, String text) {
        int lines = (int) text.chars().filter(c -> c == '\n').count();
        return Chunk.of(project, path, "java", 1, 1 + lines, text);
    }

    private static EmbeddedChunk embedded(Chunk chunk, float[] vector) {
        return new EmbeddedChunk(chunk, vector);
    }

    private static float[] axis(int i) {
        float[] v = new float[DIMENSION];
        v[i] = 1;
        return v;
    }

    private static float[] random(Random random) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static int count(String sql) throws SQLException {
        try (Connection connection = SCHEMA.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Connections to the test schema, straight from the driver. */
    private static DataSource dataSource() {
        return counting(new AtomicInteger());
    }

    /** A DataSource whose connections count the statements they prepare. */
    private static DataSource counting(AtomicInteger statements) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = SCHEMA.connection();
                return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                                statements.incrementAndGet();
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public Connection getConnection(String user, String password) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> iface) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }
}

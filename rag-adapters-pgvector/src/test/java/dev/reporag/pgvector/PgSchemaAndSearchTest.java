package dev.reporag.pgvector;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema Flyway builds, the model check, and what the store does beyond the port contract. */
class PgSchemaAndSearchTest {
    private static final TestSchema SCHEMA = new TestSchema("schema");
    private static final int DIMENSION = 16;
    private static final EmbeddingModel MODEL = new EmbeddingModel("model-a", DIMENSION);
    private final ProjectId alpha = ProjectId.random();
    private final ProjectId beta = ProjectId.random();
    private PgDatabase db;

    @BeforeEach
    void open() {
        db = SCHEMA.open("model-a", DIMENSION);
        SCHEMA.truncate("chunks", "embeddings", "project_models", "projects");
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
        db.vectorStore().count(alpha); // the model's space is made on first use
        assertThat(count("SELECT count(*) FROM embedding_spaces WHERE model_id = 'model-a'")).isEqualTo(1);
    }

    @Test
    void processesOpeningAFreshSchemaAtOnceAllFindItMigrated() throws Exception {
        // A web service and its worker started together on a new database: each opens and migrates it.
        // Named by the builder (Flyway creates the schema) and by DATABASE_URL (the schema exists, empty).
        for (boolean byUrl : new boolean[]{false, true, false, true}) {
            try (TestSchema fresh = new TestSchema("race")) {
                int processes = 4;
                CyclicBarrier start = new CyclicBarrier(processes);
                ExecutorService threads = Executors.newFixedThreadPool(processes);
                try {
                    List<Future<PgDatabase>> opened = new ArrayList<>();
                    for (int i = 0; i < processes; i++) {
                        PgDatabase.Builder builder = byUrl ? PgDatabase.builder(fresh.databaseUrl()) : fresh.builder();
                        opened.add(threads.submit(() -> {
                            start.await();
                            return builder.embeddingModel("model-a", DIMENSION).poolSize(2).build();
                        }));
                    }
                    for (Future<PgDatabase> database : opened) {
                        database.get(60, TimeUnit.SECONDS).close();
                    }
                } finally {
                    threads.shutdownNow();
                }
                try (Connection connection = fresh.connection(); Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT version),"
                             + " bool_and(success) FROM " + SchemaMigrations.HISTORY_TABLE + " WHERE version IS NOT NULL")) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("each migration applied once").isEqualTo(rows.getInt(2))
                            .isGreaterThan(5);
                    assertThat(rows.getBoolean(3)).isTrue();
                }
            }
        }
    }

    /**
     * A database user that may not create tables in the schema (PostgreSQL 15's default for
     * {@code public} when the user does not own the database), or a schema in the database: what
     * is denied and what to grant, on one line, at once, instead of Flyway's report ("SQL State",
     * "run Flyway with -X") after ten tries to create its history table a second apart.
     */
    @Test
    void aUserThatMayNotCreateTablesIsToldWhatToGrant() throws SQLException {
        String role = "reporag_limited_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (TestSchema fresh = new TestSchema("perm"); Connection admin = TestSchema.adminConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + fresh.name());
            statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'limited-pw'");
            statement.execute("GRANT USAGE ON SCHEMA " + fresh.name() + " TO " + role);
            try {
                String server = DatabaseUrl.parse(TestSchema.serverUrl()).jdbcUrl();
                String url = server + (server.contains("?") ? "&" : "?") + "user=" + role + "&password=limited-pw";
                assertThatThrownBy(() -> PgDatabase.builder(url).schema(fresh.name()).embeddingModel("m", 8).build())
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("could not migrate the repo-rag schema: permission denied for schema "
                                + fresh.name() + " (the database user " + role + " may not create tables in it")
                        .hasMessageContaining("GRANT CREATE ON SCHEMA " + fresh.name() + " TO " + role)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "Flyway", "SQL State",
                                "limited-pw"));
                String missing = fresh.name() + "_absent";
                assertThatThrownBy(() -> PgDatabase.builder(url).schema(missing).embeddingModel("m", 8).build())
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("could not migrate the repo-rag schema: permission denied to create schema "
                                + missing + " (the database user " + role + " may not create schemas in database")
                        .hasMessageContaining("GRANT CREATE ON DATABASE");

                statement.execute("GRANT CREATE ON SCHEMA " + fresh.name() + " TO " + role);
                try (PgDatabase granted = PgDatabase.builder(url).schema(fresh.name()).embeddingModel("m", 8).build()) {
                    assertThat(granted.jobs().projects()).isEmpty();
                }
            } finally {
                statement.execute("DROP OWNED BY " + role);
                statement.execute("DROP ROLE " + role);
            }
        }
    }

    /**
     * pgvector is not a trusted extension: a user who is not a superuser cannot enable it. The
     * message said to grant CREATE on the schema, which would not help.
     */
    @Test
    void aUserThatMayNotEnablePgvectorIsToldWhoCan() throws SQLException {
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        String database = "reporag_noext_" + suffix;
        String role = "reporag_app_" + suffix;
        try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
            statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'app-pw'");
            try {
                DatabaseUrl server = DatabaseUrl.parse(TestSchema.serverUrl());
                String owner = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database;
                try (Connection inside = java.sql.DriverManager.getConnection(owner, server.user().orElse(null),
                        server.password().orElse(null)); Statement grant = inside.createStatement()) {
                    grant.execute("GRANT CREATE ON SCHEMA public TO " + role);
                }
                String url = "postgres://" + role + ":app-pw@" + server.host() + ":" + server.port() + "/" + database;
                assertThatThrownBy(() -> PgDatabase.builder(url).embeddingModel("m", 8).build().close())
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("permission denied to create extension \"vector\"")
                        .hasMessageContaining("run CREATE EXTENSION vector; in the database once")
                        .hasMessageNotContaining("GRANT CREATE ON SCHEMA").hasMessageNotContaining("app-pw");
            } finally {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                statement.execute("DROP ROLE " + role);
            }
        }
    }

    /** pgvector enabled in a schema off the search path (Supabase enables extensions in "extensions"). */
    @Test
    void pgvectorOffTheSearchPathIsSaidToBeThere() {
        try (TestSchema fresh = new TestSchema("offpath")) {
            String url = fresh.databaseUrl().replace(",public", "");
            assertThatThrownBy(() -> PgDatabase.builder(url).embeddingModel("m", 8).build().close())
                    .isInstanceOf(StoreException.class).hasMessageContaining("type \"vector\" does not exist")
                    .hasMessageContaining("not on this connection's search path");
        }
    }

    @Test
    void aMissingPgvectorInstallationIsNamed() {
        java.sql.SQLException missing = new java.sql.SQLException("ERROR: could not open extension control file"
                + " \"/usr/share/postgresql/15/extension/vector.control\": No such file or directory", "58P01");
        assertThat(SchemaMigrations.reason(new org.flywaydb.core.api.FlywayException("Migration failed", missing)))
                .contains("vector.control").contains("pgvector is not installed on this PostgreSQL server");
        java.sql.SQLException unavailable = new java.sql.SQLException("ERROR: extension \"vector\" is not available",
                "0A000");
        assertThat(SchemaMigrations.reason(new org.flywaydb.core.api.FlywayException("Migration failed", unavailable)))
                .contains("pgvector is not installed on this PostgreSQL server");
    }

    /**
     * A database waking from scale-to-zero answers its first message after seconds (Neon advises
     * {@code connect_timeout=10} for it): the pool's own 1.5 s wait failed every first start, and the
     * URL's timeout did not change it. The URL's timeout is the pool's wait now.
     */
    @Test
    void aDatabaseThatWakesSlowlyIsWaitedForAsTheUrlSays() throws Exception {
        DatabaseUrl server = DatabaseUrl.parse(TestSchema.serverUrl());
        try (WakingDatabaseProxy proxy = new WakingDatabaseProxy(server.host(), server.port(), 2_000);
             TestSchema fresh = new TestSchema("waking")) {
            String url = "postgres://" + server.user().map(u -> u + server.password().map(p -> ":" + p).orElse("") + "@")
                    .orElse("") + "127.0.0.1:" + proxy.port() + "/" + server.database();
            assertThatThrownBy(() -> PgDatabase.builder(url).schema(fresh.name()).embeddingModel("m", 8).build().close())
                    .isInstanceOf(StoreException.class).hasMessage("could not migrate the repo-rag schema: PostgreSQL"
                            + " gave no connection in time (a database waking from scale-to-zero, as Neon's does, needs"
                            + " longer: add connect_timeout=10 to DATABASE_URL)");
            try (PgDatabase db = PgDatabase.builder(url + "?connect_timeout=10").schema(fresh.name())
                    .embeddingModel("m", 8).build()) {
                assertThat(db.jobs().projects()).isEmpty();
            }
        }
    }

    /**
     * A URL naming two hosts, the first down, as a high-availability set-up gives them, with libpq's
     * parameter names: the driver tries the next host, and asks for the primary.
     */
    @Test
    void aUrlWithSeveralHostsConnectsToOneThatAnswers() throws SQLException {
        DatabaseUrl server = DatabaseUrl.parse(TestSchema.serverUrl());
        String url = "postgres://" + server.user().map(u -> u + server.password().map(p -> ":" + p).orElse("") + "@")
                .orElse("") + "127.0.0.1:1," + server.host() + ":" + server.port() + "/" + server.database()
                + "?target_session_attrs=read-write&connect_timeout=5&application_name=repo-rag-multi-host";
        try (TestSchema fresh = new TestSchema("hosts");
             PgDatabase db = PgDatabase.builder(url).schema(fresh.name()).embeddingModel("m", 8).build()) {
            assertThat(db.jobs().projects()).isEmpty();
            try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE application_name = 'repo-rag-multi-host'")) {
                rows.next();
                assertThat(rows.getInt(1)).as("connections named by application_name").isPositive();
            }
        }
    }

    @Test
    void aDatabaseOfTheFirstReleaseUpgradesAndItsJobsHaveNoEstimateUntilAWorkerSavesOne() throws SQLException {
        try (TestSchema first = new TestSchema("upgrade")) {
            migrateTo(first, "1");
            try (Connection connection = first.connection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO projects (id, name, source, created_at)"
                        + " VALUES ('" + alpha + "', 'shop', 'https://example.com/shop.git', now())");
                statement.executeUpdate("INSERT INTO ingestion_jobs (id, project_id, status, percent, attempts,"
                        + " created_at, updated_at, lease_owner, lease_expires_at) VALUES ('old-job', '" + alpha
                        + "', 'PROCESSING', 42, 1, now(), now(), 'w1', now() + interval '1 hour')");
                statement.executeUpdate("INSERT INTO ingestion_jobs (id, project_id, status, percent, attempts,"
                        + " created_at, updated_at) VALUES ('done-job', '" + alpha + "', 'READY', 100, 1,"
                        + " now() - interval '1 day', now())");
                // A vector of the first release, of the model that release recorded.
                statement.executeUpdate("INSERT INTO embedding_model (model_id, dimension) VALUES ('model-a', 16)");
                statement.executeUpdate("INSERT INTO chunks (id, project_id, path, language, start_line, end_line,"
                        + " content_hash, text, embedding) VALUES ('" + chunk(alpha, "Old.java", "class Old {}").id()
                        + "', '" + alpha + "', 'Old.java', 'java', 1, 1, 'h', 'class Old {}', '" + PgVectorStore
                        .vectorLiteral(axis(3)) + "')");
            }

            PgDatabase upgraded = first.open("model-a", DIMENSION);

            // V7_9: a project of before has no file rules of its own, and takes some.
            Project shop = upgraded.jobs().project(alpha).orElseThrow();
            assertThat(shop.paths()).isEqualTo(PathRules.NONE);
            upgraded.jobs().saveProject(shop.withPaths(new PathRules(List.of("docs/**"), List.of())));
            assertThat(upgraded.jobs().project(alpha).orElseThrow().paths().include()).containsExactly("docs/**");

            // Its vector is kept, under a key of its own, and the project answers with that model.
            assertThat(upgraded.vectorStore().models(alpha).active()).isEqualTo(new EmbeddingModel("model-a", 16));
            assertThat(upgraded.vectorStore().vectorSearch(alpha, axis(3), 1)).singleElement()
                    .satisfies(hit -> assertThat(hit.chunk().path()).isEqualTo("Old.java"));
            assertThat(count(first, "SELECT count(*) FROM embeddings")).isEqualTo(1);

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

    /** V7_8: chunks stored before CJK text was indexed by its pairs of characters get their keywords again. */
    @Test
    void chunksStoredBeforeCjkPairsAreFoundByThemAfterTheUpgrade() throws SQLException {
        try (TestSchema earlier = new TestSchema("cjk")) {
            migrateTo(earlier, "7.7");
            Chunk cjk = chunk(alpha, "docs/async.md", "ES2017 标准引入了 async 函数，使得异步操作变得更加方便。");
            try (PgDatabase before = earlier.builder().embeddingModel("model-a", DIMENSION).migrateOnStart(false)
                    .build()) {
                before.vectorStore().upsert(List.of(embedded(cjk, axis(0)),
                        embedded(chunk(alpha, "src/answer.js", "export const answer = 42;"), axis(1))));
                before.vectorStore().activate(alpha);
                assertThat(before.vectorStore().keywordSearch(alpha, "异步操作", 5)).as("one keyword a run").isEmpty();
            }

            PgDatabase upgraded = earlier.open("model-a", DIMENSION);

            assertThat(upgraded.vectorStore().keywordSearch(alpha, "异步操作", 5)).extracting(hit -> hit.chunk().path())
                    .containsExactly("docs/async.md");
            assertThat(upgraded.vectorStore().keywordSearch(alpha, "answer", 5)).extracting(hit -> hit.chunk().path())
                    .containsExactly("src/answer.js");
        }
    }

    /** The schema as a release of that migration left it. */
    private static void migrateTo(TestSchema schema, String version) {
        DatabaseUrl server = DatabaseUrl.parse(TestSchema.serverUrl());
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(server.jdbcUrl());
        server.user().ifPresent(dataSource::setUser);
        server.password().ifPresent(dataSource::setPassword);
        dataSource.setCurrentSchema(schema.name() + ",public");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/reporag")
                .table(SchemaMigrations.HISTORY_TABLE).placeholders(Map.of("dimension", "16"))
                .schemas(schema.name()).defaultSchema(schema.name()).createSchemas(true)
                .target(version).load().migrate();
    }

    @Test
    void createsTheIndexesThatSearchesAndDeletesNeed() throws SQLException {
        db.vectorStore().count(alpha); // the model's space, and its index, are made on first use
        List<String> indexes = new ArrayList<>();
        try (Connection connection = SCHEMA.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = '"
                     + SCHEMA.name() + "'")) {
            while (rows.next()) {
                indexes.add(rows.getString(1));
            }
        }
        assertThat(indexes).anySatisfy(i -> assertThat(i)
                .contains("USING hnsw (((embedding)::vector(16)) vector_cosine_ops) WHERE (space_id = "));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("chunks USING btree (space_id, embedding_key)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("USING gin (keywords)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("chunks USING btree (project_id, path)"));
        assertThat(indexes).anySatisfy(i -> assertThat(i).contains("UNIQUE INDEX ingestion_jobs_one_active_per_project")
                .contains("WHERE (status = ANY (ARRAY['PENDING'::text, 'PROCESSING'::text]))"));
    }

    @Test
    void modelsOfAnyDimensionLiveSideBySideEachWithItsOwnIndexAndNeverMeet() throws SQLException {
        db.vectorStore().upsert(List.of(embedded(chunk(alpha, "A.java", "class A {}"), axis(0))));
        db.vectorStore().activate(alpha);

        try (PgDatabase wide = SCHEMA.builder().embeddingModel("model-b", 384).poolSize(2).build();
             PgDatabase huge = SCHEMA.builder().embeddingModel("model-c", 3072).poolSize(2).build()) {
            float[] query = new float[384];
            query[1] = 1;
            // Project alpha answers with model-a: model-b's store finds nothing and fails on nothing.
            assertThat(wide.vectorStore().vectorSearch(alpha, query, 5)).isEmpty();
            assertThat(wide.vectorStore().keywordSearch(alpha, "class", 5)).isEmpty();
            wide.vectorStore().upsert(List.of(embedded(chunk(beta, "B.java", "class B {}"), query)));
            assertThat(wide.vectorStore().vectorSearch(beta, query, 5)).hasSize(1);
            float[] wider = new float[3072];
            wider[2] = 1;
            huge.vectorStore().upsert(List.of(embedded(chunk(beta, "C.java", "class C {}"), wider)));
            assertThat(huge.vectorStore().vectorSearch(beta, wider, 5)).hasSize(1);
        }
        assertThat(db.vectorStore().vectorSearch(alpha, axis(0), 5)).hasSize(1);
        assertThat(count("SELECT count(*) FROM embedding_spaces")).isGreaterThanOrEqualTo(3);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + SCHEMA.name()
                + "' AND indexdef LIKE '%vector(384)%'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + SCHEMA.name()
                + "' AND indexdef LIKE '%vector(3072)%'")).as("wider than HNSW takes: searched exactly").isZero();
    }

    @Test
    void aVectorSharedByTwoProjectsIsStoredOnceAndOutlivesEitherProject() throws SQLException {
        Chunk inAlpha = chunk(alpha, "A.java", "class Same {}");
        Chunk inBeta = chunk(beta, "A.java", "class Same {}");
        db.vectorStore().upsert(List.of(new EmbeddedChunk(inAlpha, axis(0), "same-key")));
        db.vectorStore().upsert(List.of(new EmbeddedChunk(inBeta, axis(0), "same-key")));
        assertThat(count("SELECT count(*) FROM embeddings")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM chunks")).isEqualTo(2);

        db.vectorStore().deleteProject(alpha);
        assertThat(count("SELECT count(*) FROM embeddings")).isEqualTo(1);
        assertThat(db.vectorStore().vectorSearch(beta, axis(0), 1)).hasSize(1);

        // A chunk given a new vector lets go of the old one.
        db.vectorStore().upsert(List.of(new EmbeddedChunk(inBeta, axis(1), "new-key")));
        assertThat(count("SELECT count(*) FROM embeddings")).isEqualTo(1);
        db.vectorStore().deleteProject(beta);
        assertThat(count("SELECT count(*) FROM embeddings")).isZero();
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
        PgVectorStore store = new PgVectorStore(counting(statements), MODEL, VectorSearch.EXACT, 40, 0);
        store.count(alpha); // the model's space is looked up once, on first use
        statements.set(0);
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
            PgVectorStore store = new PgVectorStore(dataSource(), MODEL, mode, 40, 10);
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
        return count(SCHEMA, sql);
    }

    private static int count(TestSchema schema, String sql) throws SQLException {
        try (Connection connection = schema.connection(); Statement statement = connection.createStatement();
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

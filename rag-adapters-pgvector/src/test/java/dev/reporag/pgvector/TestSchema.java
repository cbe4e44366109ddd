package dev.reporag.pgvector;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The one PostgreSQL fixture of every module's tests (this module's test jar): a schema of its own
 * on a real PostgreSQL with pgvector, for one test class or one test, dropped by {@link #close()}.
 * The server is the one named by RAG_TEST_DATABASE_URL (scripts/setup-postgres.sh prepares one,
 * scripts/test.sh sets it), else a Testcontainers pgvector container where Docker works. With
 * neither, tests fail with a message saying so: they never skip. Tests that stop and start the
 * database use a server of their own instead (rag-it's ThrowawayPostgres).
 */
public final class TestSchema implements AutoCloseable {
    public static final String ENV = "RAG_TEST_DATABASE_URL";
    private static String url;
    private static PostgreSQLContainer container;

    private final String name;
    private PgDatabase database;
    private boolean created;

    /** Names the schema; nothing is created until the schema is first used. */
    public TestSchema(String prefix) {
        this.name = ("t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    public String name() {
        return name;
    }

    /** The JDBC URL of the test server; starts the container on first use. */
    public static synchronized String serverUrl() {
        if (url != null) {
            return url;
        }
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            url = fromEnv.strip();
        } else if (DockerClientFactory.instance().isDockerAvailable()) {
            container = new PostgreSQLContainer(DockerImageName.parse("pgvector/pgvector:pg16")
                    .asCompatibleSubstituteFor("postgres"));
            container.start();
            url = container.getJdbcUrl() + "&user=" + container.getUsername() + "&password=" + container.getPassword();
        } else {
            throw new IllegalStateException("no PostgreSQL for the tests: Docker is not available for Testcontainers"
                    + " and " + ENV + " is not set. Run scripts/test.sh (it prepares PostgreSQL with pgvector), or"
                    + " export " + ENV + "=jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres");
        }
        try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
            // In public, so that dropping a test schema never drops the extension.
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public");
        } catch (SQLException e) {
            throw new IllegalStateException("the test database at " + DatabaseUrl.parse(url)
                    + " cannot be used (is pgvector installed? scripts/setup-postgres.sh installs it): "
                    + e.getMessage(), e);
        }
        return url;
    }

    /** Connected to the test server's database, search path untouched. */
    public static Connection adminConnection() throws SQLException {
        DatabaseUrl parsed = DatabaseUrl.parse(serverUrl());
        return DriverManager.getConnection(parsed.jdbcUrl(), parsed.user().orElse(null),
                parsed.password().orElse(null));
    }

    /**
     * A DATABASE_URL that puts repo-rag's tables in this schema, for `rag` processes and adapters
     * that know nothing of schemas. Creates the schema: the search path does not.
     */
    public synchronized String databaseUrl() {
        String server = serverUrl();
        if (!created) {
            try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create schema " + name + ": " + e.getMessage(), e);
            }
            created = true;
        }
        return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + name + ",public";
    }

    /** The database in this schema, opened (and migrated) once and closed with the schema. */
    public synchronized PgDatabase open(String modelId, int dimension) {
        if (database == null) {
            database = builder().embeddingModel(modelId, dimension).build();
        }
        return database;
    }

    /**
     * A new adapter on this schema, for the embedding model of the first vectors a `rag` process
     * stored there (so tests need not know how an adapter names its model); the caller closes it.
     */
    public PgDatabase openAsStored() throws SQLException {
        try (Connection connection = connection(); Statement statement = connection.createStatement();
             ResultSet model = statement.executeQuery(
                     "SELECT model_id, dimension FROM embedding_spaces ORDER BY id LIMIT 1")) {
            if (!model.next()) {
                throw new IllegalStateException("no rag process has stored vectors in schema " + name + " yet");
            }
            return PgDatabase.builder(databaseUrl())
                    .embeddingModel(model.getString(1), model.getInt(2)).migrateOnStart(false).build();
        }
    }

    public PgDatabase.Builder builder() {
        return PgDatabase.builder(serverUrl()).schema(name);
    }

    /** Connected with this schema first on the search path. */
    public Connection connection() throws SQLException {
        Connection connection = adminConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + name + ", public");
        }
        return connection;
    }

    public void truncate(String... tables) {
        try (Connection connection = connection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (database != null) {
            database.close();
            database = null;
        }
        synchronized (TestSchema.class) {
            if (url == null) {
                return; // never reached a server: nothing to drop, and the tests already failed saying why
            }
        }
        try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

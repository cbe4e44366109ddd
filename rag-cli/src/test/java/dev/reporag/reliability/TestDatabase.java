package dev.reporag.reliability;

import dev.reporag.pgvector.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;


/**
 * A schema of its own on the test PostgreSQL (RAG_TEST_DATABASE_URL, or the local default), made
 * for one test class and dropped after it. {@link #databaseUrl()} is a DATABASE_URL that puts
 * repo-rag's tables in that schema. Without PostgreSQL the tests fail; they never skip.
 */
public final class TestDatabase implements AutoCloseable {
    static final String ENV = "RAG_TEST_DATABASE_URL";
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres";

    private final String server;
    private final String schema;

    public TestDatabase(String prefix) {
        String fromEnv = System.getenv(ENV);
        this.server = fromEnv == null || fromEnv.isBlank() ? DEFAULT_URL : fromEnv.strip();
        this.schema = "rel_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public");
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("no PostgreSQL with pgvector at " + DatabaseUrl.parse(server) + " (set "
                    + ENV + "; scripts/setup-postgres.sh prepares one): " + e.getMessage(), e);
        }
    }

    String schema() {
        return schema;
    }

    /** DATABASE_URL for the child processes: the server's URL with this schema first on the search path. */
    public String databaseUrl() {
        return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }

    /**
     * The adapter on this schema, for the embedding model of the first vectors a `rag` process stored
     * there (so tests need not know how an adapter names its model).
     */
    dev.reporag.pgvector.PgDatabase open() throws SQLException {
        try (Connection connection = connection(); Statement statement = connection.createStatement();
             java.sql.ResultSet model = statement.executeQuery(
                     "SELECT model_id, dimension FROM embedding_spaces ORDER BY id LIMIT 1")) {
            if (!model.next()) {
                throw new IllegalStateException("no rag process has stored vectors in schema " + schema + " yet");
            }
            return dev.reporag.pgvector.PgDatabase.builder(databaseUrl())
                    .embeddingModel(model.getString(1), model.getInt(2)).migrateOnStart(false).build();
        }
    }

    Connection connection() throws SQLException {
        Connection connection = admin();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + schema + ", public");
        }
        return connection;
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(jdbc(server));
    }

    /** The JDBC form of either DATABASE_URL form, credentials as parameters (the driver reads them). */
    static String jdbc(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)/([^?]*)(?:\\?(.*))?").matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException(ENV + " is neither a JDBC nor a postgres:// URL");
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(m.group(3)).append('/').append(m.group(4))
                .append('?').append(m.group(5) == null ? "" : m.group(5));
        if (m.group(1) != null) {
            jdbc.append("&user=").append(m.group(1));
        }
        if (m.group(2) != null) {
            jdbc.append("&password=").append(m.group(2));
        }
        return jdbc.toString();
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}

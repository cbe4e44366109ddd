package dev.reporag.pgvector;

import dev.reporag.core.port.StoreException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Flyway owns the schema. Its own history table and migration folder carry repo-rag's name, so
 * an application that embeds the library keeps its own Flyway history in the same database.
 * A database holds vectors of any number of embedding models side by side, each in its own space
 * (see V7_5 and {@link PgVectorStore}); the dimension placeholder only shapes V1, whose vector
 * column V7_5 moves into the embeddings table.
 */
final class SchemaMigrations {
    static final String HISTORY_TABLE = "reporag_schema_history";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);
    /** How the connection holding the migration lock shows in pg_stat_activity. */
    static final String APPLICATION_NAME = "repo-rag migration";

    private final DataSource dataSource;
    private final UnpooledConnector lockConnections;
    private final String lockName;
    /** The schema named in the configuration; null for the connection's current one. */
    private final String schema;
    private final Flyway flyway;

    SchemaMigrations(DataSource dataSource, UnpooledConnector lockConnections, String schema, int dimension) {
        this.dataSource = dataSource;
        this.lockConnections = lockConnections;
        this.lockName = "reporag_migrate " + (schema == null ? "default schema" : schema);
        this.schema = schema;
        var config = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/reporag")
                .table(HISTORY_TABLE)
                .placeholders(Map.of("dimension", Integer.toString(dimension)))
                // A database that already holds the host application's tables is fine: start at 0.
                .baselineOnMigrate(true)
                .baselineVersion("0");
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        this.flyway = config.load();
    }

    /**
     * Processes opening a fresh database at once (a web service and its worker) take turns: two
     * Flyways started together on a new schema both found no history table, and the one that lost
     * the race to create it failed ("Unable to baseline schema history table … already exists, and
     * is empty"). The lock is an advisory lock of this database held by an open transaction (so
     * a pooler in transaction mode keeps it on one server connection and drops it with the
     * transaction), on a connection outside the pool, since Flyway holds two of the pool's meanwhile.
     * A process waiting for it asks again and again instead of blocking: blocked, it would hold one
     * of a pooler's few server connections that the migrating process may need.
     */
    void migrate() {
        try (Connection lock = lockConnections.connect()) {
            lock.setAutoCommit(false);
            long waitMillis = 50;
            boolean toldWaiting = false;
            while (!tryLock(lock)) {
                lock.rollback();
                if (!toldWaiting) {
                    log.info("another process is migrating the repo-rag schema; waiting for it");
                    toldWaiting = true;
                }
                Thread.sleep(waitMillis);
                waitMillis = Math.min(1_000, waitMillis * 2);
            }
            try {
                checkMayCreate(lock);
                flyway.migrate();
            } finally {
                release(lock);
            }
        } catch (SQLException e) {
            throw new StoreException("could not lock the repo-rag schema to migrate it: " + e.getMessage(), e);
        } catch (FlywayException e) {
            throw new StoreException("could not migrate the repo-rag schema: " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to migrate the repo-rag schema", e);
        }
    }

    /**
     * A first migration by a user that may not create its tables fails at once: Flyway would try
     * to create its history table ten times, a second apart, before giving the same error.
     */
    private void checkMayCreate(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT s.name, current_user, current_database(),
                       to_regclass(quote_ident(s.name) || '.' || quote_ident(?)) IS NULL,
                       EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s.name),
                       CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s.name)
                            THEN has_schema_privilege(s.name, 'CREATE')
                            ELSE has_database_privilege(current_database(), 'CREATE') END
                FROM (SELECT coalesce(?, current_schema()) AS name) s""")) {
            statement.setString(1, HISTORY_TABLE);
            statement.setString(2, schema);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getString(1) == null || !rows.getBoolean(4) || rows.getBoolean(6)) {
                    return; // already migrated once, or allowed (no schema in the search path: Flyway says so)
                }
                String name = rows.getString(1);
                String user = rows.getString(2);
                throw new StoreException("could not migrate the repo-rag schema: " + (rows.getBoolean(5)
                        ? "permission denied for schema " + name + " (the database user " + user + " may not"
                        + " create tables in it: let it own the database or the schema, or GRANT CREATE ON SCHEMA "
                        + name + " TO " + user + "; see docs/pgvector.md)"
                        : "permission denied to create schema " + name + " (the database user " + user + " may"
                        + " not create schemas in database " + rows.getString(3) + ": create the schema for it, or"
                        + " GRANT CREATE ON DATABASE " + rows.getString(3) + " TO " + user + "; see docs/pgvector.md)"));
            }
        }
    }

    private boolean tryLock(Connection lock) throws SQLException {
        try (PreparedStatement statement = lock.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
            statement.setString(1, lockName);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /**
     * The database's own words when a statement failed (Flyway's report around them is a table of
     * SQL state, position and "run Flyway with -X"), with the way out of a missing privilege: since
     * PostgreSQL 15 a user who does not own the database may not create tables in {@code public}.
     */
    static String reason(FlywayException e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException) {
                // Hikari's "Connection is not available, request timed out after 1500ms (total=1, …)"
                return "PostgreSQL gave no connection in time (a database waking from scale-to-zero, as Neon's"
                        + " does, needs longer: add connect_timeout=10 to DATABASE_URL)";
            }
            if (cause instanceof SQLException sql && sql.getMessage() != null) {
                String message = sql.getMessage().lines().findFirst().orElse("").strip();
                if (message.contains("extension \"vector\"") || message.contains("vector.control")) {
                    // pgvector is not a trusted extension: only a superuser (rds_superuser, azure_pg_admin…)
                    // may enable it, and only where the server has it installed.
                    // PostgreSQL 15 cannot open vector.control (58P01); 16 and later say "is not available".
                    boolean notInstalled = message.contains("vector.control") || message.contains("not available")
                            || sql.getSQLState() != null && sql.getSQLState().startsWith("58");
                    return message + (notInstalled
                            ? " (pgvector is not installed on this PostgreSQL server: install it, or choose a"
                            + " provider that offers it; see docs/pgvector.md)"
                            : " (pgvector is not enabled in this database, and this user may not enable it: as a"
                            + " superuser or the provider's admin role, run CREATE EXTENSION vector; in the database"
                            + " once; see docs/pgvector.md)");
                }
                if (message.contains("type \"vector\" does not exist")) {
                    return message + " (pgvector is enabled in a schema that is not on this connection's search"
                            + " path, such as Supabase's extensions schema: add that schema to it, for example with"
                            + " ?options=-c%20search_path%3Dpublic,extensions in the URL; see docs/pgvector.md)";
                }
                if ("42501".equals(sql.getSQLState())) {
                    return message + " (the database user lacks a privilege the schema needs: let it own the"
                            + " database or the schema, or GRANT CREATE ON SCHEMA to it; see docs/pgvector.md)";
                }
                return message;
            }
        }
        return e.getMessage() == null ? "no detail given"
                : String.join(" ", e.getMessage().lines().map(String::strip).filter(line -> !line.isEmpty()).toList());
    }

    /** Ends the lock's transaction; a connection lost meanwhile (an idle-in-transaction timeout) has dropped it already. */
    private static void release(Connection lock) {
        try {
            lock.rollback();
        } catch (SQLException alreadyReleased) {
            // nothing is held: the server ended the session and its transaction
        }
    }

    /** The installed pgvector version as {major, minor}, e.g. {0, 8}. */
    int[] pgvectorVersion() {
        return ConnectionWork.withConnection(dataSource, "read the pgvector version", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
                 ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new StoreException("the pgvector extension is not installed in this database");
                }
                String[] parts = rows.getString(1).split("\\.");
                return new int[]{Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
            }
        });
    }
}

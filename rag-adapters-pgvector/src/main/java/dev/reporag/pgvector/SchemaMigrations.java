package dev.reporag.pgvector;

import dev.reporag.core.port.StoreException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Flyway owns the schema. Its own history table and migration folder carry repo-rag's name, so
 * an application that embeds the library keeps its own Flyway history in the same database.
 * The embedding model is checked before and after migrating: vectors of two models never mix. A
 * database holding no vectors takes the model of whoever opens it (the vector column is retyped to
 * its dimension), so a first run with another model fixes nothing.
 */
final class SchemaMigrations {
    static final String HISTORY_TABLE = "reporag_schema_history";

    private final DataSource dataSource;
    private final String schema;
    private final String modelId;
    private final int dimension;
    private final Flyway flyway;

    SchemaMigrations(DataSource dataSource, String schema, String modelId, int dimension) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.modelId = modelId;
        this.dimension = dimension;
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

    void migrate() {
        adoptOrCheckModel();
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("could not migrate the repo-rag schema: " + e.getMessage(), e);
        }
        Jdbc.withConnection(dataSource, "record the embedding model", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO embedding_model (model_id, dimension) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, modelId);
                insert.setInt(2, dimension);
                return insert.executeUpdate();
            }
        });
        adoptOrCheckModel();
    }

    /** The installed pgvector version as {major, minor}, e.g. {0, 8}. */
    int[] pgvectorVersion() {
        return Jdbc.withConnection(dataSource, "read the pgvector version", connection -> {
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

    /**
     * Keeps the recorded model when it is the configured one; else takes the configured one if no
     * vector is stored, and refuses otherwise, saying how to switch. One transaction, the model row
     * locked: two processes opening at once agree.
     */
    private void adoptOrCheckModel() {
        Jdbc.inTransaction(dataSource, "check the embedding model", connection -> {
            if (!tableExists(connection)) {
                return null;
            }
            StoredModel stored;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT model_id, dimension FROM embedding_model FOR UPDATE");
                 ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                stored = new StoredModel(rows.getString(1), rows.getInt(2));
            }
            if (stored.modelId().equals(modelId) && stored.dimension() == dimension) {
                return null;
            }
            long held;
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM chunks");
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                held = rows.getLong(1);
            }
            if (held > 0) {
                throw new StoreException("this database holds " + held + " vectors of embedding model '"
                        + stored.modelId() + "' (" + stored.dimension() + " dimensions) but the configured model is '"
                        + modelId + "' (" + dimension + " dimensions), and vectors of two models cannot be compared."
                        + " Configure '" + stored.modelId() + "' again, or switch models by indexing again into an"
                        + " empty store: a fresh database" + (schema == null ? "" : " or schema") + ", or this one"
                        + " once every project is deleted, then ingest each repository again");
            }
            try (Statement statement = connection.createStatement()) {
                if (stored.dimension() != dimension) {
                    statement.execute("ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(" + dimension + ")");
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE embedding_model SET model_id = ?, dimension = ?")) {
                update.setString(1, modelId);
                update.setInt(2, dimension);
                update.executeUpdate();
            }
            LoggerFactory.getLogger(SchemaMigrations.class).info("the database holds no vectors: it now takes"
                    + " embedding model '{}' ({} dimensions) instead of '{}'", modelId, dimension, stored.modelId());
            return null;
        });
    }

    private record StoredModel(String modelId, int dimension) {
    }

    private boolean tableExists(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT to_regclass(" + (schema == null ? "'embedding_model'" : "?") + ") IS NOT NULL")) {
            if (schema != null) {
                statement.setString(1, '"' + schema + "\".embedding_model");
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }
}

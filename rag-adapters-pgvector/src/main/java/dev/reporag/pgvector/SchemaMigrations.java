package dev.reporag.pgvector;

import dev.reporag.core.port.StoreException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    private final DataSource dataSource;
    private final Flyway flyway;

    SchemaMigrations(DataSource dataSource, String schema, int dimension) {
        this.dataSource = dataSource;
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
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("could not migrate the repo-rag schema: " + e.getMessage(), e);
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

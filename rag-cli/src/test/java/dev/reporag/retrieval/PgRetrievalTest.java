package dev.reporag.retrieval;

import dev.reporag.pgvector.PgDatabase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * Hybrid retrieval on PostgreSQL (pgvector + full-text search), in a fresh schema dropped
 * afterwards. The database is {@code RAG_TEST_DATABASE_URL}, else a local default; without a
 * reachable database this test fails rather than skips.
 */
class PgRetrievalTest extends HybridRetrievalContract {
    static final String URL = System.getenv().getOrDefault("RAG_TEST_DATABASE_URL",
            "jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres");

    @Override
    Stores open(Path dir, String modelId, int dimension) {
        String schema = "retrieval_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PgDatabase database = PgDatabase.builder(URL).schema(schema).embeddingModel(modelId, dimension)
                .poolSize(2).build();
        return new Stores(database.vectorStore(), database.jobs(), database.conversations(), () -> {
            database.close();
            try (Connection connection = DriverManager.getConnection(URL);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        });
    }
}

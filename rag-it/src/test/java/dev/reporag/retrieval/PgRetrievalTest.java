package dev.reporag.retrieval;

import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;

import java.nio.file.Path;

/**
 * Hybrid retrieval on PostgreSQL (pgvector + full-text search), in a fresh schema dropped
 * afterwards ({@link TestSchema}: without a database this test fails rather than skips).
 */
class PgRetrievalTest extends HybridRetrievalContract {
    @Override
    Stores open(Path dir, String modelId, int dimension) {
        TestSchema schema = new TestSchema("retrieval");
        PgDatabase database = schema.builder().embeddingModel(modelId, dimension).poolSize(2).build();
        return new Stores(database.vectorStore(), database.jobs(), database.conversations(), () -> {
            database.close();
            schema.close();
        });
    }
}

package dev.reporag.local;

import dev.reporag.core.contract.DeleteDuringIngestionContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The delete-during-ingestion contract on the embedded store (Lucene and MVStore). */
class LocalDeleteDuringIngestionTest extends DeleteDuringIngestionContract {
    @TempDir
    Path dir;

    @Override
    protected Stores open(String modelId, int dimension) {
        LocalStore local = LocalStore.open(dir, modelId, dimension);
        return new Stores(local.vectorStore(), local.jobs(), local.conversations(), local);
    }
}

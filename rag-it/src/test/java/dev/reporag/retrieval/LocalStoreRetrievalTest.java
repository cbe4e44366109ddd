package dev.reporag.retrieval;

import dev.reporag.local.LocalStore;

import java.nio.file.Path;

/** Hybrid retrieval on the embedded store: Lucene HNSW + BM25, MVStore conversations. */
class LocalStoreRetrievalTest extends HybridRetrievalContract {
    @Override
    Stores open(Path dir, String modelId, int dimension) {
        LocalStore store = LocalStore.open(dir, modelId, dimension);
        return new Stores(store.vectorStore(), store.jobs(), store.conversations(), store);
    }
}

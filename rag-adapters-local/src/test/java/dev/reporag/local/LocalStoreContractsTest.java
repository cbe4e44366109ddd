package dev.reporag.local;

import dev.reporag.core.contract.ConversationRepositoryContract;
import dev.reporag.core.contract.JobRepositoryContract;
import dev.reporag.core.contract.VectorStoreContract;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The on-disk adapters pass the same contracts as the in-memory ones. */
class LocalStoreContractsTest {
    @TempDir
    Path dir;
    private LocalStore store;

    private LocalStore open(int dimension) {
        store = LocalStore.open(dir, "test-model", dimension);
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            LocalStoreContractsTest.this.store.close();
        }
    }

    @Nested
    class VectorStoreTest extends VectorStoreContract {
        @Override
        protected VectorStore createStore(int dimension) {
            return open(dimension).vectorStore();
        }

        @Override
        protected VectorStore storeForModel(dev.reporag.core.model.EmbeddingModel model) {
            // One process per directory: the store of the other model replaces this one, as a restart would.
            LocalStoreContractsTest.this.store.close();
            LocalStoreContractsTest.this.store = LocalStore.open(dir, model.id(), model.dimension());
            return LocalStoreContractsTest.this.store.vectorStore();
        }
    }

    @Nested
    class JobRepositoryTest extends JobRepositoryContract {
        @Override
        protected JobRepository createRepository() {
            return open(8).jobs();
        }
    }

    @Nested
    class ConversationsTest extends ConversationRepositoryContract {
        @Override
        protected ConversationRepository createRepository(ProjectId project) {
            return open(8).conversations();
        }
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.contract.DeleteDuringIngestionContract;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryVectorStore;

/** The delete-during-ingestion contract on the in-memory adapters (the fence is the core's). */
class DeleteDuringIngestionTest extends DeleteDuringIngestionContract {
    @Override
    protected Stores open(String modelId, int dimension) {
        return new Stores(new InMemoryVectorStore(dimension), new InMemoryJobRepository(),
                new InMemoryConversationRepository(), () -> { });
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;

import java.util.List;

/**
 * A {@link RepoRag} on in-memory adapters and the hashing embedder, for tests of what an ingestion
 * indexes; restarted with other settings over the same stores, as a changed configuration is.
 */
final class InMemoryRag implements AutoCloseable {
    final InMemoryRepositorySource source = new InMemoryRepositorySource();
    final HashingEmbedder embedder = new HashingEmbedder();
    final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private RepoRag rag;

    InMemoryRag(FileFilter filter) {
        rag = build(filter);
    }

    private RepoRag build(FileFilter filter) {
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().fileFilter(filter).build()).build();
    }

    RepoRag rag() {
        return rag;
    }

    /** Restarted with another filter, as a changed RAG_MAX_FILE_BYTES or RAG_INCLUDE gives. */
    void restart(FileFilter filter) {
        rag.close();
        rag = build(filter);
    }

    /** Requests the project's ingestion and runs it here, to its end. */
    IngestionJob ingest(Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    /** Whether the project's index holds a chunk of the path. */
    boolean indexed(Project project, String path) {
        return !store.chunkKeys(project.id(), List.of(path)).isEmpty();
    }

    @Override
    public void close() {
        rag.close();
    }
}

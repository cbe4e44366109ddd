package dev.reporag.core.ingest;

import dev.reporag.core.model.Languages;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.port.VectorStore;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Indexes given file texts into a store under one project id, cut and embedded exactly as an
 * ingestion job does (same chunker, embedder input, and the process's one dispatcher), without a job: for an
 * evaluation's scratch index, whose files are texts made from a repository's history.
 */
public final class FileIndexer {
    private final EmbeddingDispatcher dispatcher;
    private final VectorStore store;
    private final ProjectId project;
    private final Chunker chunker;
    private final Cancellation cancellation;
    private long chunksEmbedded;

    public FileIndexer(EmbeddingDispatcher dispatcher, VectorStore store, RagSettings settings, ProjectId project,
                       Cancellation cancellation) {
        this.dispatcher = dispatcher;
        this.store = store;
        this.project = project;
        this.chunker = JobProcessor.chunkerFor(settings, dispatcher.embedder());
        this.cancellation = cancellation;
    }

    /** Replaces the chunks of these files (path to decoded text) with chunks of the new text. */
    public void put(Map<String, String> files) {
        if (files.isEmpty()) {
            return;
        }
        store.deletePaths(project, files.keySet());
        EmbeddingBatcher batcher = new EmbeddingBatcher(dispatcher, store,
                JobProcessor.WINDOW_PER_SENDER * dispatcher.policy().concurrency(), cancellation,
                (chunks, embedded, bytes) -> chunksEmbedded += embedded);
        ReuseStep reuse = new ReuseStep(store);
        try {
            files.forEach((path, text) -> {
                FileChunker.Chunks chunks = FileChunker.chunk(chunker, project, path, Languages.ofPath(path), text);
                reuse.route(chunks.chunks(), chunks.texts(), batcher);
                batcher.fileDone(text.getBytes(StandardCharsets.UTF_8).length);
            });
            batcher.finish();
        } catch (RuntimeException e) {
            batcher.abandon();
            throw e;
        }
    }

    /** Removes every chunk of these files. */
    public void remove(Collection<String> paths) {
        if (!paths.isEmpty()) {
            store.deletePaths(project, List.copyOf(paths));
        }
    }

    /** Removes everything indexed under the project id. */
    public void clear() {
        store.deleteProject(project);
    }

    /** Chunks embedded and stored so far (not counting those whose vector was stored already). */
    public long chunksEmbedded() {
        return chunksEmbedded;
    }
}

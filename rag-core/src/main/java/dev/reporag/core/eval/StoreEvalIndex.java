package dev.reporag.core.eval;

import dev.reporag.core.ask.RetrievalOptions;
import dev.reporag.core.ask.Retriever;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.FileIndexer;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.VectorStore;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * repo-rag itself under evaluation: files are chunked and embedded as an ingestion does, into the
 * project's own store under a scratch project id that no project uses, and questions are ranked
 * by the same hybrid retrieval as answers. The scratch index is emptied when opened (a run that
 * died leaves one behind) and when closed.
 */
public final class StoreEvalIndex implements EvalIndex {
    private final FileIndexer indexer;
    private final Retriever retriever;
    private final ProjectId scratch;
    private final EmbeddingDispatcher dispatcher;
    private final VectorStore store;

    public StoreEvalIndex(EmbeddingDispatcher dispatcher, VectorStore store, RagSettings settings, ProjectId scratch,
                          Cancellation cancellation) {
        this(dispatcher, store, settings, scratch, cancellation, RetrievalOptions.DEFAULT);
    }

    /** With other retrieval techniques than answers use: for measuring them. */
    public StoreEvalIndex(EmbeddingDispatcher dispatcher, VectorStore store, RagSettings settings, ProjectId scratch,
                          Cancellation cancellation, RetrievalOptions options) {
        this.indexer = new FileIndexer(dispatcher, store, settings, scratch, cancellation);
        this.retriever = new Retriever(store, dispatcher::embedQuestion, options);
        this.scratch = scratch;
        this.dispatcher = dispatcher;
        this.store = store;
        indexer.clear();
    }

    /** The scratch id of a project's evaluation: fixed, so a later run cleans up after a crashed one. */
    public static ProjectId scratchOf(ProjectId project) {
        String id = "eval-" + project.value();
        return new ProjectId(id.length() <= 64 ? id : id.substring(0, 64));
    }

    @Override
    public void put(Map<String, String> files) {
        indexer.put(files);
    }

    @Override
    public void remove(Set<String> paths) {
        indexer.remove(paths);
    }

    @Override
    public List<String> rank(String question, int max) {
        return retriever.files(scratch, question, max);
    }

    /** The same index ranked with other techniques: measuring several costs one index. */
    public List<String> rank(String question, int max, RetrievalOptions options) {
        return new Retriever(store, dispatcher::embedQuestion, options).files(scratch, question, max);
    }

    /** Chunks embedded so far. */
    public long chunksEmbedded() {
        return indexer.chunksEmbedded();
    }

    @Override
    public void close() {
        indexer.clear();
    }
}

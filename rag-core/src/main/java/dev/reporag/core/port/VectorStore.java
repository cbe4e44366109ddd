package dev.reporag.core.port;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores chunk vectors per project and searches them. Implementations are thread-safe.
 *
 * <p>A store is opened for one embedding {@link #model()}, the one its caller embeds with: every
 * method reads and writes that model's chunks only, and vectors of other models, kept beside them,
 * are never compared with its queries. Vectors are kept by {@link EmbeddedChunk#key() key}: chunks
 * of any project with one key share one vector, and a vector no chunk refers to any more is freed.
 * A project is answered by one model at a time ({@link #models}); a re-embedding builds another
 * model's chunks beside the searchable ones and {@link #activate switches} at once.
 */
public interface VectorStore {
    /** The model whose vectors this store writes and searches. */
    EmbeddingModel model();

    /**
     * Inserts or replaces by chunk id; one call is one batch. A chunk {@link EmbeddedChunk#byKey by
     * key} points at the vector stored under its key (or given with another chunk of the batch); when
     * one of those is gone (its last chunk was deleted since {@link #heldKeys} said it was there),
     * nothing of the batch is written and {@link VectorsGoneException} names the keys.
     */
    void upsert(List<EmbeddedChunk> chunks);

    /**
     * Of these keys, those whose vector of this model is stored, by any project: an ingestion
     * embeds only the others, and stores those chunks {@link EmbeddedChunk#byKey by key}.
     */
    Set<String> heldKeys(Collection<String> keys);

    /** Every stored chunk of the project: each one's embedding key, by chunk id, for reconciling. */
    Map<String, String> chunkKeys(ProjectId project);

    /**
     * The stored chunks of these paths: each one's embedding key, by chunk id. A chunk of the same
     * id (same place, same text) is kept as it is only if its key is the same too: its header names
     * the declarations it sits in, which an edit elsewhere in the file can rename.
     */
    Map<String, String> chunkKeys(ProjectId project, Collection<String> paths);

    void delete(ProjectId project, Collection<String> chunkIds);

    void deletePaths(ProjectId project, Collection<String> paths);

    /** Removes the project's chunks of every model, and its models. */
    void deleteProject(ProjectId project);

    long count(ProjectId project);

    /**
     * Gives {@code to} a copy of every chunk {@code from} has in this store's model, each under the
     * id it has in {@code to} ({@link dev.reporag.core.model.Chunk#inProject}) and with the same
     * vector: nothing is embedded again. A copy replaces a chunk of that id, as an upsert does. A
     * project whose repository another project has indexed starts from that index. Returns how many
     * chunks were copied.
     */
    long copyChunks(ProjectId from, ProjectId to);

    /** Which model answers for the project, and which one it is being re-embedded with. */
    ProjectModels models(ProjectId project);

    /** Records that the project is to be re-embedded with this store's model (its target). */
    void requestModel(ProjectId project);

    /**
     * Makes this store's model the one that answers for the project, in one step. When it was the
     * project's target, the project's chunks of the model answering before are removed, and the
     * target cleared; chunks being built for another target are kept.
     */
    void activate(ProjectId project);

    /**
     * Nearest chunks of one project by cosine similarity; k results whenever the project has k.
     * Empty when another model answers for the project (see {@link ProjectModels#answersWith}).
     */
    List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k);

    /** Best keyword (full-text) matches within one project; identifiers and paths count. Same rule of models. */
    List<ScoredChunk> keywordSearch(ProjectId project, String query, int k);
}

package dev.reporag.core.port;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Stores chunk vectors per project and searches them. Implementations are thread-safe. */
public interface VectorStore {
    /** Inserts or replaces by chunk id; one call is one batch. */
    void upsert(List<EmbeddedChunk> chunks);

    /** Ids of every stored chunk of the project, for reconciling. */
    Set<String> chunkIds(ProjectId project);

    /** Ids of the stored chunks of these paths. */
    Set<String> chunkIds(ProjectId project, Collection<String> paths);

    void delete(ProjectId project, Collection<String> chunkIds);

    void deletePaths(ProjectId project, Collection<String> paths);

    void deleteProject(ProjectId project);

    long count(ProjectId project);

    /** Nearest chunks of one project by cosine similarity; k results whenever the project has k. */
    List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k);

    /** Best keyword (full-text) matches within one project; identifiers and paths count. */
    List<ScoredChunk> keywordSearch(ProjectId project, String query, int k);
}

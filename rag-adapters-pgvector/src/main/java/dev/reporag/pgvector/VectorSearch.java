package dev.reporag.pgvector;

/**
 * How a vector search within one project finds its nearest chunks. One global HNSW index with a
 * project filter returns fewer than k rows at pgvector's defaults (it stops after ef_search
 * candidates, most of them other projects'); these strategies always return k.
 */
public enum VectorSearch {
    /** Exact: the project's rows through the b-tree on project_id, sorted by distance. Recall 1.0; cost grows with the project. */
    EXACT,
    /** The HNSW index with pgvector 0.8's iterative scan (relaxed order, re-sorted), which keeps scanning until k rows of the project are found. */
    HNSW_ITERATIVE,
    /** Exact for projects up to {@code PgDatabase.Builder.exactSearchMaxRows} chunks, the HNSW index above. */
    AUTO
}

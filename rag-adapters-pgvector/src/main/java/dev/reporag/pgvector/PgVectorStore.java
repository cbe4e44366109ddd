package dev.reporag.pgvector;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chunks and their vectors in the {@code chunks} table, over plain JDBC (see docs/pgvector.md for
 * why not LangChain4j's store). Every call is one statement, so one round trip: an upsert of a
 * whole batch binds arrays and unnests them.
 */
final class PgVectorStore implements VectorStore {
    /**
     * Projects up to this many chunks are searched exactly under {@link VectorSearch#AUTO} by default:
     * ~2 ms there, and an iterative index scan of a tiny share of a big table may hit
     * hnsw.max_scan_tuples before it finds k rows. Above it the index wins (benchmark: at 5,000
     * rows exact p95 10.8 ms, iterative 8.1 ms at recall 0.98).
     */
    static final int EXACT_SEARCH_MAX_ROWS = 2_000;
    private static final long COUNT_TTL_NANOS = 60_000_000_000L;

    private static final String COLUMNS = "c.id, c.project_id, c.path, c.language, c.start_line, c.end_line,"
            + " c.content_hash, c.text";

    private static final String UPSERT = """
            INSERT INTO chunks (id, project_id, path, language, start_line, end_line, content_hash, text, embedding)
            SELECT u.id, u.project_id, u.path, u.language, u.start_line, u.end_line, u.content_hash, u.text,
                   CAST(u.embedding AS vector)
            FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS int[]), CAST(? AS int[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]))
                 AS u(id, project_id, path, language, start_line, end_line, content_hash, text, embedding)
            ON CONFLICT (id) DO UPDATE SET project_id = EXCLUDED.project_id, path = EXCLUDED.path,
                language = EXCLUDED.language, start_line = EXCLUDED.start_line, end_line = EXCLUDED.end_line,
                content_hash = EXCLUDED.content_hash, text = EXCLUDED.text, embedding = EXCLUDED.embedding""";

    // The distances of the project's rows only (b-tree on project_id), then the k best: exact.
    // MATERIALIZED keeps the planner from answering the ORDER BY with the HNSW index.
    private static final String EXACT_SEARCH = """
            WITH scored AS MATERIALIZED (
                SELECT id, embedding <=> CAST(? AS vector) AS distance FROM chunks WHERE project_id = ?)
            SELECT %s, s.distance FROM (SELECT id, distance FROM scored ORDER BY distance, id LIMIT ?) s
            JOIN chunks c ON c.id = s.id
            ORDER BY s.distance, c.id""".formatted(COLUMNS);

    // The HNSW index; iterative scan (pgvector 0.8) keeps going until k rows pass the project filter.
    // relaxed_order may return rows slightly out of order: the outer query sorts them again.
    private static final String INDEX_SEARCH = """
            SELECT * FROM (
                SELECT %s, c.embedding <=> CAST(? AS vector) AS distance FROM chunks c
                WHERE c.project_id = ? ORDER BY distance LIMIT ?) t
            ORDER BY distance, id""".formatted(COLUMNS);

    private static final String KEYWORD_SEARCH = """
            SELECT %s, ts_rank(c.keywords, q.query) AS rank
            FROM chunks c, to_tsquery('simple', ?) AS q(query)
            WHERE c.project_id = ? AND c.keywords @@ q.query
            ORDER BY rank DESC, c.id LIMIT ?""".formatted(COLUMNS);

    private final DataSource dataSource;
    private final int dimension;
    private final VectorSearch search;
    private final int efSearch;
    private final int exactMaxRows;
    private final Map<ProjectId, long[]> counts = new ConcurrentHashMap<>();

    PgVectorStore(DataSource dataSource, int dimension, VectorSearch search, int efSearch, int exactMaxRows) {
        this.dataSource = dataSource;
        this.dimension = dimension;
        this.search = search;
        this.efSearch = efSearch;
        this.exactMaxRows = exactMaxRows;
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        // One row per id: ON CONFLICT cannot touch a row twice in one statement; the last one wins.
        Map<UUID, EmbeddedChunk> byId = new LinkedHashMap<>();
        for (EmbeddedChunk chunk : chunks) {
            checkDimension(chunk.vector(), "vector of chunk " + chunk.chunk().id());
            byId.put(uuid(chunk.chunk().id()), chunk);
        }
        int n = byId.size();
        UUID[] ids = new UUID[n];
        String[] projects = new String[n];
        String[] paths = new String[n];
        String[] languages = new String[n];
        Integer[] starts = new Integer[n];
        Integer[] ends = new Integer[n];
        String[] hashes = new String[n];
        String[] texts = new String[n];
        String[] vectors = new String[n];
        int i = 0;
        for (Map.Entry<UUID, EmbeddedChunk> entry : byId.entrySet()) {
            Chunk chunk = entry.getValue().chunk();
            ids[i] = entry.getKey();
            projects[i] = chunk.projectId().value();
            paths[i] = chunk.path();
            languages[i] = chunk.language();
            starts[i] = chunk.startLine();
            ends[i] = chunk.endLine();
            hashes[i] = chunk.contentHash();
            texts[i] = chunk.text();
            vectors[i] = vectorLiteral(entry.getValue().vector());
            i++;
        }
        Jdbc.withConnection(dataSource, "store " + n + " chunks", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
                statement.setArray(1, connection.createArrayOf("uuid", ids));
                statement.setArray(2, connection.createArrayOf("text", projects));
                statement.setArray(3, connection.createArrayOf("text", paths));
                statement.setArray(4, connection.createArrayOf("text", languages));
                statement.setArray(5, connection.createArrayOf("int4", starts));
                statement.setArray(6, connection.createArrayOf("int4", ends));
                statement.setArray(7, connection.createArrayOf("text", hashes));
                statement.setArray(8, connection.createArrayOf("text", texts));
                statement.setArray(9, connection.createArrayOf("text", vectors));
                return statement.executeUpdate();
            }
        });
        byId.values().forEach(c -> counts.remove(c.chunk().projectId()));
    }

    @Override
    public Set<String> chunkIds(ProjectId project) {
        return ids("SELECT id FROM chunks WHERE project_id = ?", project, null);
    }

    @Override
    public Set<String> chunkIds(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return new HashSet<>();
        }
        return ids("SELECT id FROM chunks WHERE project_id = ? AND path = ANY (?)", project, paths);
    }

    private Set<String> ids(String sql, ProjectId project, Collection<String> paths) {
        return Jdbc.withConnection(dataSource, "list the chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, project.value());
                if (paths != null) {
                    statement.setArray(2, connection.createArrayOf("text", paths.toArray(String[]::new)));
                }
                Set<String> ids = new HashSet<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return;
        }
        UUID[] ids = chunkIds.stream().map(PgVectorStore::uuid).toArray(UUID[]::new);
        update("DELETE FROM chunks WHERE project_id = ? AND id = ANY (?)", project, "uuid", ids);
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        update("DELETE FROM chunks WHERE project_id = ? AND path = ANY (?)", project, "text",
                paths.toArray(String[]::new));
    }

    @Override
    public void deleteProject(ProjectId project) {
        update("DELETE FROM chunks WHERE project_id = ?", project, null, null);
    }

    private void update(String sql, ProjectId project, String arrayType, Object[] array) {
        Jdbc.withConnection(dataSource, "delete chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, project.value());
                if (array != null) {
                    statement.setArray(2, connection.createArrayOf(arrayType, array));
                }
                return statement.executeUpdate();
            }
        });
        counts.remove(project);
    }

    @Override
    public long count(ProjectId project) {
        long count = Jdbc.withConnection(dataSource, "count the chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT count(*) FROM chunks WHERE project_id = ?")) {
                statement.setString(1, project.value());
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        counts.put(project, new long[]{count, System.nanoTime()});
        return count;
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        checkDimension(query, "query vector");
        if (k < 1) {
            return List.of();
        }
        String vector = vectorLiteral(query);
        if (useIndex(project)) {
            return Jdbc.inTransaction(dataSource, "search project " + project, connection -> {
                try (PreparedStatement settings = connection.prepareStatement(
                        "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true),"
                                + " set_config('hnsw.ef_search', ?, true)")) {
                    settings.setString(1, Integer.toString(Math.max(efSearch, k)));
                    settings.executeQuery().close();
                }
                return scored(connection, INDEX_SEARCH, vector, project, k, true);
            });
        }
        return Jdbc.withConnection(dataSource, "search project " + project,
                connection -> scored(connection, EXACT_SEARCH, vector, project, k, true));
    }

    private boolean useIndex(ProjectId project) {
        return switch (search) {
            case EXACT -> false;
            case HNSW_ITERATIVE -> true;
            case AUTO -> cachedCount(project) > exactMaxRows;
        };
    }

    /** The project's size, refreshed after writes and at most a minute old: it only picks a strategy. */
    private long cachedCount(ProjectId project) {
        long[] cached = counts.get(project);
        if (cached != null && System.nanoTime() - cached[1] < COUNT_TTL_NANOS) {
            return cached[0];
        }
        return count(project);
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        String tsquery = KeywordQuery.of(query);
        if (tsquery.isEmpty() || k < 1) {
            return List.of();
        }
        return Jdbc.withConnection(dataSource, "search project " + project + " by keyword",
                connection -> scored(connection, KEYWORD_SEARCH, tsquery, project, k, false));
    }

    private static List<ScoredChunk> scored(Connection connection, String sql, String first, ProjectId project, int k,
                                            boolean distance) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, first);
            statement.setString(2, project.value());
            statement.setInt(3, k);
            List<ScoredChunk> hits = new ArrayList<>(k);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Chunk chunk = new Chunk(rows.getString("id"), new ProjectId(rows.getString("project_id")),
                            rows.getString("path"), rows.getString("language"), rows.getInt("start_line"),
                            rows.getInt("end_line"), rows.getString("text"), rows.getString("content_hash"));
                    // Cosine similarity from cosine distance; keyword hits keep ts_rank.
                    double score = distance ? 1 - rows.getDouble("distance") : rows.getDouble("rank");
                    hits.add(new ScoredChunk(chunk, score));
                }
            }
            return hits;
        }
    }

    private void checkDimension(float[] vector, String what) {
        if (vector.length != dimension) {
            throw new StoreException(what + " has " + vector.length + " dimensions; this store holds vectors of "
                    + dimension);
        }
    }

    private static UUID uuid(String chunkId) {
        try {
            return UUID.fromString(chunkId);
        } catch (IllegalArgumentException e) {
            throw new StoreException("chunk id is not a UUID: " + chunkId);
        }
    }

    /** pgvector's text form, {@code [0.1,0.2,...]}; NaN and infinities are refused by the server too. */
    static String vectorLiteral(float[] vector) {
        StringBuilder text = new StringBuilder(vector.length * 12).append('[');
        for (int i = 0; i < vector.length; i++) {
            float value = vector[i];
            if (!Float.isFinite(value)) {
                throw new StoreException("vector holds a non-finite value at index " + i);
            }
            if (i > 0) {
                text.append(',');
            }
            text.append(value);
        }
        return text.append(']').toString();
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chunks per project and embedding model in the {@code chunks} table, their vectors by key in
 * {@code embeddings} (V7_5), over plain JDBC (see docs/pgvector.md for why not LangChain4j's store).
 * This store reads and writes the space of its model only; the space id and its dimension are
 * literals in the SQL, so the planner matches the space's partial HNSW index on
 * {@code embedding::vector(d)}. Chunks of any project with one key share its vector; deleting the
 * last chunk of a key deletes its vector, in the same transaction.
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
    /** HNSW indexes take vectors of up to this many dimensions; wider spaces are searched exactly. */
    static final int MAX_INDEXED_DIMENSIONS = 2_000;
    private static final int FOREIGN_KEY_ATTEMPTS = 3;

    private static final String COLUMNS = "c.id, c.project_id, c.path, c.language, c.start_line, c.end_line,"
            + " c.content_hash, c.text";

    // Vectors go in first (a key already there is kept), then the chunks pointing at them; the old
    // keys of replaced chunks come back, to be freed when nothing else points at them. A chunk by key
    // comes without a vector (NULL) and points at the stored one: the foreign key fails if it is gone.
    // Keywords are copied from a chunk of the same key, path and text when there is one (V7_6: computing
    // them was most of the database's time for a reused chunk), computed otherwise.
    private static final String UPSERT = """
            WITH u AS (
                SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                     CAST(? AS int[]), CAST(? AS int[]), CAST(? AS text[]), CAST(? AS text[]),
                                     CAST(? AS text[]), CAST(? AS text[]))
                    AS u(id, project_id, path, language, start_line, end_line, content_hash, text, key, embedding)),
            replaced AS (
                SELECT c.embedding_key AS key FROM chunks c JOIN u ON c.space_id = %1$d AND c.id = u.id
                WHERE c.embedding_key <> u.key),
            vectors AS (
                INSERT INTO embeddings (space_id, key, embedding)
                SELECT DISTINCT ON (u.key) %1$d, u.key, CAST(u.embedding AS vector) FROM u
                WHERE u.embedding IS NOT NULL
                ON CONFLICT (space_id, key) DO NOTHING),
            written AS (
                INSERT INTO chunks (space_id, id, project_id, path, language, start_line, end_line, content_hash,
                                    text, embedding_key, keywords)
                SELECT %1$d, u.id, u.project_id, u.path, u.language, u.start_line, u.end_line, u.content_hash,
                       u.text, u.key,
                       COALESCE((SELECT o.keywords FROM chunks o WHERE o.space_id = %1$d AND o.embedding_key = u.key
                                 AND o.path = u.path AND o.content_hash = u.content_hash LIMIT 1),
                                reporag_keywords(u.path, u.text))
                FROM u
                ON CONFLICT (space_id, id) DO UPDATE SET project_id = EXCLUDED.project_id, path = EXCLUDED.path,
                    language = EXCLUDED.language, start_line = EXCLUDED.start_line, end_line = EXCLUDED.end_line,
                    content_hash = EXCLUDED.content_hash, text = EXCLUDED.text,
                    embedding_key = EXCLUDED.embedding_key, keywords = EXCLUDED.keywords)
            SELECT DISTINCT key FROM replaced""";

    /** No other space answers for the project (none, or this one, does). Binds the project id. */
    private static final String ANSWERS = """
            NOT EXISTS (SELECT 1 FROM project_models m WHERE m.project_id = ? AND m.space_id <> %1$d)""";

    // The distances of the project's rows only (b-tree on project_id), then the k best: exact.
    // MATERIALIZED keeps the planner from answering the ORDER BY with the HNSW index.
    private static final String EXACT_SEARCH = """
            WITH scored AS MATERIALIZED (
                SELECT c.id, e.embedding <=> CAST(? AS vector) AS distance
                FROM chunks c JOIN embeddings e ON e.space_id = c.space_id AND e.key = c.embedding_key
                WHERE c.project_id = ? AND c.space_id = %1$d AND %2$s)
            SELECT %3$s, s.distance FROM (SELECT id, distance FROM scored ORDER BY distance, id LIMIT ?) s
            JOIN chunks c ON c.space_id = %1$d AND c.id = s.id
            ORDER BY s.distance, c.id""";

    // The space's HNSW index; iterative scan (pgvector 0.8) keeps going until k rows pass the
    // project filter. relaxed_order may return rows slightly out of order: the outer query sorts them.
    private static final String INDEX_SEARCH = """
            SELECT * FROM (
                SELECT %3$s, e.embedding::vector(%4$d) <=> CAST(? AS vector(%4$d)) AS distance
                FROM embeddings e JOIN chunks c ON c.space_id = e.space_id AND c.embedding_key = e.key
                WHERE e.space_id = %1$d AND c.project_id = ? AND %2$s ORDER BY distance LIMIT ?) t
            ORDER BY distance, id""";

    private static final String KEYWORD_SEARCH = """
            SELECT %3$s, ts_rank(c.keywords, q.query) AS rank
            FROM chunks c, to_tsquery('simple', ?) AS q(query)
            WHERE c.project_id = ? AND c.space_id = %1$d AND %2$s AND c.keywords @@ q.query
            ORDER BY rank DESC, c.id LIMIT ?""";

    private final DataSource dataSource;
    private final EmbeddingModel model;
    private final int dimension;
    private final VectorSearch search;
    private final int efSearch;
    private final int exactMaxRows;
    private final Map<ProjectId, long[]> counts = new ConcurrentHashMap<>();
    /** This model's space, made on first use: the schema may be migrated after the store is built. */
    private volatile Space space;

    private record Space(int id, String upsert, String exact, String index, String keyword, String answers) {
    }

    PgVectorStore(DataSource dataSource, EmbeddingModel model, VectorSearch search, int efSearch, int exactMaxRows) {
        this.dataSource = dataSource;
        this.model = model;
        this.dimension = model.dimension();
        this.search = dimension > MAX_INDEXED_DIMENSIONS ? VectorSearch.EXACT : search;
        this.efSearch = efSearch;
        this.exactMaxRows = exactMaxRows;
    }

    /** Makes this model's space (and its index) if it is new; otherwise done on first use. */
    void prepare() {
        space();
    }

    private Space space() {
        Space current = space;
        if (current == null) {
            synchronized (this) {
                if (space == null) {
                    int id = ConnectionWork.withConnection(dataSource, "prepare the vectors of model " + model, connection -> {
                        try (PreparedStatement statement = connection.prepareStatement(
                                "SELECT reporag_embedding_space(?, ?)")) {
                            statement.setString(1, model.id());
                            statement.setInt(2, dimension);
                            try (ResultSet rows = statement.executeQuery()) {
                                rows.next();
                                return rows.getInt(1);
                            }
                        }
                    });
                    String answers = ANSWERS.formatted(id);
                    space = new Space(id, UPSERT.formatted(id), EXACT_SEARCH.formatted(id, answers, COLUMNS),
                            INDEX_SEARCH.formatted(id, answers, COLUMNS, dimension),
                            KEYWORD_SEARCH.formatted(id, answers, COLUMNS), answers);
                }
                current = space;
            }
        }
        return current;
    }

    @Override
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        // One row per id: ON CONFLICT cannot touch a row twice in one statement; the last one wins.
        Map<UUID, EmbeddedChunk> byId = new LinkedHashMap<>();
        Set<String> byKey = new HashSet<>();
        Set<String> given = new HashSet<>();
        for (EmbeddedChunk chunk : chunks) {
            if (chunk.hasVector()) {
                checkDimension(chunk.vector(), "vector of chunk " + chunk.chunk().id());
                given.add(chunk.key());
            } else {
                byKey.add(chunk.key());
            }
            byId.put(uuid(chunk.chunk().id()), chunk);
        }
        byKey.removeAll(given);
        int n = byId.size();
        UUID[] ids = new UUID[n];
        String[] projects = new String[n];
        String[] paths = new String[n];
        String[] languages = new String[n];
        Integer[] starts = new Integer[n];
        Integer[] ends = new Integer[n];
        String[] hashes = new String[n];
        String[] texts = new String[n];
        String[] keys = new String[n];
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
            keys[i] = entry.getValue().key();
            vectors[i] = entry.getValue().hasVector() ? vectorLiteral(entry.getValue().vector()) : null;
            i++;
        }
        Space space = space();
        retryingForeignKeys(byKey, () -> ConnectionWork.inTransaction(dataSource, "store " + n + " chunks", connection -> {
            List<String> replaced = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(space.upsert())) {
                statement.setArray(1, connection.createArrayOf("uuid", ids));
                statement.setArray(2, connection.createArrayOf("text", projects));
                statement.setArray(3, connection.createArrayOf("text", paths));
                statement.setArray(4, connection.createArrayOf("text", languages));
                statement.setArray(5, connection.createArrayOf("int4", starts));
                statement.setArray(6, connection.createArrayOf("int4", ends));
                statement.setArray(7, connection.createArrayOf("text", hashes));
                statement.setArray(8, connection.createArrayOf("text", texts));
                statement.setArray(9, connection.createArrayOf("text", keys));
                statement.setArray(10, connection.createArrayOf("text", vectors));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        replaced.add(rows.getString(1));
                    }
                }
            }
            free(connection, space.id(), replaced);
            return null;
        }));
        byId.values().forEach(c -> counts.remove(c.chunk().projectId()));
    }

    /**
     * A vector freed by one transaction while another points a new chunk at it fails the latter on
     * the foreign key. When the batch gave that vector, run again, it stores it anew (or the freeing
     * sees the new chunk); when a chunk pointed at it by key, the keys gone are named to the caller.
     */
    private <T> T retryingForeignKeys(Set<String> byKey, java.util.function.Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (StoreException e) {
                if (!(e.getCause() instanceof SQLException sql)
                        || !ConnectionWork.FOREIGN_KEY_VIOLATION.equals(sql.getSQLState())) {
                    throw e;
                }
                if (!byKey.isEmpty()) {
                    Set<String> gone = new HashSet<>(byKey);
                    gone.removeAll(heldKeys(byKey));
                    if (!gone.isEmpty()) {
                        throw new VectorsGoneException(gone);
                    }
                }
                if (attempt >= FOREIGN_KEY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the vectors of these keys that no chunk points at any more. */
    private static void free(Connection connection, int spaceId, Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                DELETE FROM embeddings e WHERE e.space_id = ? AND e.key = ANY (?)
                AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.space_id = e.space_id AND c.embedding_key = e.key)""")) {
            statement.setInt(1, spaceId);
            statement.setArray(2, connection.createArrayOf("text", keys.toArray(String[]::new)));
            statement.executeUpdate();
        }
    }

    @Override
    public Set<String> heldKeys(Collection<String> keys) {
        if (keys.isEmpty()) {
            return new HashSet<>();
        }
        Space space = space();
        return ConnectionWork.withConnection(dataSource, "look up " + keys.size() + " stored vectors", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT key FROM embeddings WHERE space_id = ? AND key = ANY (?)")) {
                statement.setInt(1, space.id());
                statement.setArray(2, connection.createArrayOf("text", keys.stream().distinct().toArray(String[]::new)));
                Set<String> held = new HashSet<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        held.add(rows.getString(1));
                    }
                }
                return held;
            }
        });
    }


    @Override
    public Map<String, String> chunkKeys(ProjectId project) {
        return keysById("SELECT id, embedding_key FROM chunks WHERE project_id = ? AND space_id = " + space().id(),
                project, null);
    }

    @Override
    public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return new HashMap<>();
        }
        return keysById("SELECT id, embedding_key FROM chunks WHERE project_id = ? AND space_id = " + space().id()
                + " AND path = ANY (?)", project, paths);
    }

    private Map<String, String> keysById(String sql, ProjectId project, Collection<String> paths) {
        return ConnectionWork.withConnection(dataSource, "list the chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, project.value());
                if (paths != null) {
                    statement.setArray(2, connection.createArrayOf("text", paths.toArray(String[]::new)));
                }
                Map<String, String> keys = new HashMap<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        keys.put(rows.getString(1), rows.getString(2));
                    }
                }
                return keys;
            }
        });
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return;
        }
        UUID[] ids = chunkIds.stream().map(PgVectorStore::uuid).toArray(UUID[]::new);
        deleteChunks("id = ANY (?)", project, space().id(), "uuid", ids);
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        deleteChunks("path = ANY (?)", project, space().id(), "text", paths.toArray(String[]::new));
    }

    @Override
    public void deleteProject(ProjectId project) {
        ConnectionWork.inTransaction(dataSource, "delete the chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM project_models WHERE project_id = ?")) {
                statement.setString(1, project.value());
                statement.executeUpdate();
            }
            deleteChunks(connection, "true", project, null, null, null);
            return null;
        });
        counts.remove(project);
    }

    /** Deletes the project's chunks matching {@code condition} (of one space, or all when null) and frees their vectors. */
    private void deleteChunks(String condition, ProjectId project, Integer spaceId, String arrayType, Object[] array) {
        ConnectionWork.inTransaction(dataSource, "delete chunks of project " + project,
                connection -> deleteChunks(connection, condition, project, spaceId, arrayType, array));
        counts.remove(project);
    }

    private static Void deleteChunks(Connection connection, String condition, ProjectId project, Integer spaceId,
                                     String arrayType, Object[] array) throws SQLException {
        Map<Integer, List<String>> keys = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM chunks WHERE project_id = ?"
                + (spaceId == null ? "" : " AND space_id = " + spaceId) + " AND " + condition
                + " RETURNING space_id, embedding_key")) {
            statement.setString(1, project.value());
            if (array != null) {
                statement.setArray(2, connection.createArrayOf(arrayType, array));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.computeIfAbsent(rows.getInt(1), s -> new ArrayList<>()).add(rows.getString(2));
                }
            }
        }
        for (Map.Entry<Integer, List<String>> space : keys.entrySet()) {
            free(connection, space.getKey(), space.getValue());
        }
        return null;
    }

    @Override
    public long count(ProjectId project) {
        int spaceId = space().id();
        long count = ConnectionWork.withConnection(dataSource, "count the chunks of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT count(*) FROM chunks WHERE project_id = ? AND space_id = " + spaceId)) {
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

    /**
     * Rows copied inside the database, keywords and the pointer at the shared vector included (no
     * vector or text travels); the new ids are worked out here, by the core's one rule, from the
     * rows' paths, lines and hashes.
     */
    @Override
    public long copyChunks(ProjectId from, ProjectId to) {
        int spaceId = space().id();
        long copied = ConnectionWork.inTransaction(dataSource, "copy the chunks of project " + from, connection -> {
            List<UUID> sources = new ArrayList<>();
            List<UUID> copies = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT id, path, start_line, end_line,"
                    + " content_hash FROM chunks WHERE project_id = ? AND space_id = " + spaceId)) {
                statement.setString(1, from.value());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        sources.add(rows.getObject(1, UUID.class));
                        copies.add(uuid(Chunk.idOf(to, rows.getString(2), rows.getInt(3), rows.getInt(4),
                                rows.getString(5))));
                    }
                }
            }
            if (sources.isEmpty()) {
                return 0L;
            }
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO chunks (space_id, id, project_id, path, language, start_line, end_line, content_hash,
                                        text, embedding_key, keywords)
                    SELECT c.space_id, m.copy, ?, c.path, c.language, c.start_line, c.end_line, c.content_hash,
                           c.text, c.embedding_key, c.keywords
                    FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[])) AS m(source, copy)
                    JOIN chunks c ON c.space_id = %d AND c.id = m.source
                    ON CONFLICT (space_id, id) DO NOTHING""".formatted(spaceId))) {
                statement.setString(1, to.value());
                statement.setArray(2, connection.createArrayOf("uuid", sources.toArray()));
                statement.setArray(3, connection.createArrayOf("uuid", copies.toArray()));
                return (long) statement.executeUpdate();
            }
        });
        counts.remove(to);
        return copied;
    }

    @Override
    public ProjectModels models(ProjectId project) {
        return ConnectionWork.withConnection(dataSource, "read the models of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT a.model_id, a.dimension, t.model_id, t.dimension FROM project_models m
                    LEFT JOIN embedding_spaces a ON a.id = m.space_id
                    LEFT JOIN embedding_spaces t ON t.id = m.target_space_id
                    WHERE m.project_id = ?""")) {
                statement.setString(1, project.value());
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return ProjectModels.NONE;
                    }
                    return new ProjectModels(modelAt(rows, 1), modelAt(rows, 3));
                }
            }
        });
    }

    private static EmbeddingModel modelAt(ResultSet rows, int column) throws SQLException {
        String id = rows.getString(column);
        return id == null ? null : new EmbeddingModel(id, rows.getInt(column + 1));
    }

    @Override
    public void requestModel(ProjectId project) {
        int spaceId = space().id();
        ConnectionWork.withConnection(dataSource, "request model " + model + " for project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO project_models (project_id, target_space_id) VALUES (?, ?)
                    ON CONFLICT (project_id) DO UPDATE SET target_space_id = EXCLUDED.target_space_id""")) {
                statement.setString(1, project.value());
                statement.setInt(2, spaceId);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public void activate(ProjectId project) {
        int spaceId = space().id();
        ConnectionWork.inTransaction(dataSource, "switch project " + project + " to model " + model, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO project_models (project_id) VALUES (?) ON CONFLICT (project_id) DO NOTHING")) {
                insert.setString(1, project.value());
                insert.executeUpdate();
            }
            Integer before;
            Integer target;
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT space_id, target_space_id FROM project_models WHERE project_id = ? FOR UPDATE")) {
                lock.setString(1, project.value());
                try (ResultSet rows = lock.executeQuery()) {
                    rows.next();
                    before = (Integer) rows.getObject(1);
                    target = (Integer) rows.getObject(2);
                }
            }
            boolean switching = target != null && target == spaceId;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE project_models SET space_id = ?, target_space_id = ? WHERE project_id = ?")) {
                update.setInt(1, spaceId);
                update.setObject(2, switching ? null : target, java.sql.Types.INTEGER);
                update.setString(3, project.value());
                update.executeUpdate();
            }
            if (switching && before != null && before != spaceId) {
                deleteChunks(connection, "true", project, before, null, null);
            }
            return null;
        });
        counts.remove(project);
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        checkDimension(query, "query vector");
        if (k < 1) {
            return List.of();
        }
        Space space = space();
        String vector = vectorLiteral(query);
        if (useIndex(project)) {
            return ConnectionWork.inTransaction(dataSource, "search project " + project, connection -> {
                try (PreparedStatement settings = connection.prepareStatement(
                        "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true),"
                                + " set_config('hnsw.ef_search', ?, true)")) {
                    settings.setString(1, Integer.toString(Math.max(efSearch, k)));
                    settings.executeQuery().close();
                }
                return scored(connection, space.index(), vector, project, k, true);
            });
        }
        return ConnectionWork.withConnection(dataSource, "search project " + project,
                connection -> scored(connection, space.exact(), vector, project, k, true));
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
        Space space = space();
        return ConnectionWork.withConnection(dataSource, "search project " + project + " by keyword",
                connection -> scored(connection, space.keyword(), tsquery, project, k, false));
    }

    private static List<ScoredChunk> scored(Connection connection, String sql, String first, ProjectId project, int k,
                                            boolean distance) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, first);
            statement.setString(2, project.value());
            statement.setString(3, project.value()); // the ANSWERS condition
            statement.setInt(4, k);
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

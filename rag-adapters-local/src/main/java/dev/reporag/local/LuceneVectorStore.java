package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.CjkPairs;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FilteredDocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Chunks of one embedding model in one Lucene index: an HNSW graph over unit-length vectors (dot
 * product, which equals cosine for them) and BM25 over code-aware terms of text and path. Every
 * write ends with a commit, so a crash keeps whole batches or nothing; the chunk id is the update
 * term, so a re-run batch replaces rather than duplicates. Other models have indexes of their own
 * beside this one ({@link LocalModels}).
 *
 * <p>Two kinds of documents, as the PostgreSQL store has two tables: a chunk document (text, path,
 * lines, project, and its embedding key) carries no vector; one vector document per key carries the
 * vector, in the graph. Chunks of any project with one key share that document, so a chunk whose
 * vector is reused costs no graph insertion (which dominated a second project's indexing), and a
 * vector document is deleted with the last chunk of its key, in the same commit. A search scans the
 * vectors of the keys of the project's chunks (or walks the graph over them, for a large project)
 * and returns their chunks. An index written before
 * this layout (vectors inside chunk documents) is rewritten once when it opens, in one commit.
 */
final class LuceneVectorStore implements VectorStore, AutoCloseable {
    private static final String ID = "id";
    private static final String PROJECT = "project";
    private static final String PATH = "path";
    private static final String PATH_TERMS = "path_terms";
    private static final String LANGUAGE = "language";
    private static final String START = "start";
    private static final String END = "end";
    private static final String TEXT = "text";
    private static final String HASH = "hash";
    private static final String VECTOR = "vector";
    /** A chunk document's embedding key: indexed to find a key's chunks, and as doc values to list a project's keys. */
    private static final String KEY = "key";
    private static final String KEY_VALUES = "key_values";
    /** A vector document's key; only vector documents have it (and {@link #VECTOR}). */
    private static final String VECTOR_KEY = "vector_key";
    /** Commit data naming the layout; indexes without it keep vectors in chunk documents. */
    private static final String LAYOUT = "layout";
    private static final String VECTORS_BY_KEY = "vectors-by-key";
    /** Commit data naming how chunk text was analysed; {@link #CJK_PAIRS} since CJK text is split into pairs. */
    static final String ANALYSIS = "analysis";
    static final String CJK_PAIRS = "cjk-pairs";
    private static final int MAX_QUERY_TERMS = 64;
    private static final int MAX_CACHED_FILTERS = 64;
    private static final float PATH_BOOST = 1.5f;
    /**
     * Projects of up to this many distinct vectors are searched by a scan of their vectors, exact,
     * rather than through the graph: the graph's answer is approximate (recall@10 0.97–0.98 for a
     * project that is 5 % of the index) and depends on how the segments happen to be merged, so
     * the same question on the same chunks could get other sources after a merge. At 5,000 keys the
     * scan is about as fast as the graph; at 20,000 it takes 1.5 times as long, where the graph finds
     * 90 % of the ten nearest (docs/benchmarks/rag-adapters-local.md).
     */
    static final int EXACT_SEARCH_MAX_KEYS = 20_000;
    /** Threads writing a project's copied chunks, at most (and no more than the cores). */
    private static final int COPY_THREADS = 4;
    /**
     * Copied chunks that are at least this fraction (1/n) of their segment's documents are merged in
     * rather than written again.
     */
    private static final int MERGED_COPY_SHARE = 4;
    /** How long closing waits for background merges before it abandons them. */
    private static final Duration CLOSE_MERGE_WAIT = Duration.ofSeconds(2);

    private final EmbeddingModel model;
    private final int dimension;
    private final int exactSearchMaxKeys;
    private final LocalModels models;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /** Refreshes the searchers when a background merge is done (see {@link #mergeDone}). */
    private final ThreadPoolExecutor refresher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "lucene-refresh");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final CodeAnalyzer queryAnalyzer = new CodeAnalyzer();
    private final ProjectStatistics keywordStatistics = new ProjectStatistics(PROJECT);
    // The filter of a project's vector search, kept while the index is unchanged: building it reads
    // every chunk's key, and reusing the same query lets the searcher's query cache keep its doc ids
    // (a search in a 5,000-chunk project: 16 ms at the median without it, 2.7 ms with it).
    private final Map<ProjectId, VectorFilter> vectorFilters = new ConcurrentHashMap<>();

    /** @param keys how many keys (vector documents) the query matches */
    private record VectorFilter(IndexReader reader, Query query, int keys) {
    }

    LuceneVectorStore(Path dir, EmbeddingModel model, LocalModels models) {
        this(dir, model, models, EXACT_SEARCH_MAX_KEYS);
    }

    LuceneVectorStore(Path dir, EmbeddingModel model, LocalModels models, int exactSearchMaxKeys) {
        this.exactSearchMaxKeys = exactSearchMaxKeys;
        this.model = model;
        this.dimension = model.dimension();
        this.models = models;
        try {
            directory = FSDirectory.open(dir);
            writer = new IndexWriter(directory, config(this::mergeDone));
            upgradeLayout(dir);
            upgradeAnalysis(dir);
            writer.commit(); // an empty index is a valid one from the first open on
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new StoreException("cannot open the chunk index at " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every write commits, so closing has nothing to commit; without setCommitOnClose(false),
     * close() waits for running merges, which rebuild HNSW graphs and kept `rag ingest` of the JDK's
     * sources alive for minutes after its job was READY. Aborted merges run again later.
     *
     * <p>A commit does not wait for merges: by default Lucene merges the small segments of earlier
     * commits at each commit and waits up to 500 ms for it, so a write paid for its predecessors'
     * merging (HNSW graphs rebuilt included) — a second project's one write of 921 chunks spent
     * more time there than adding them. They are merged in the background instead
     * ({@link #finishMerges}), and {@code mergeDone} runs after each merge.
     */
    private static IndexWriterConfig config(Runnable mergeDone) {
        return new IndexWriterConfig(new CodeAnalyzer())
                .setCodec(new WideVectorCodec())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCommitOnClose(false)
                .setMaxFullFlushMergeWaitMillis(0)
                .setMergeScheduler(new ConcurrentMergeScheduler() {
                    @Override
                    protected void doMerge(MergeSource source, MergePolicy.OneMerge merge) throws IOException {
                        super.doMerge(source, merge);
                        mergeDone.run();
                    }
                });
    }

    /**
     * Searchers see a merge only once refreshed, and they were refreshed only by writes: after a
     * load, searches read the unmerged segments until the next write (a vector search in a
     * 5,000-chunk project of a 100,000-chunk index: 5.8 ms at the median, 3.9 ms refreshed). The
     * refresh runs between writes, under the store's lock: a refresh during a write would show its
     * batch half added.
     */
    private void mergeDone() {
        if (refreshQueued.compareAndSet(false, true)) {
            refresher.execute(() -> {
                refreshQueued.set(false);
                synchronized (this) {
                    SearcherManager current = searchers; // null while the constructor upgrades the layout
                    try {
                        if (current != null) {
                            current.maybeRefreshBlocking();
                        }
                    } catch (IOException | AlreadyClosedException e) {
                        LoggerFactory.getLogger(LuceneVectorStore.class).debug("no refresh after a merge: {}", e.toString());
                    }
                }
            });
        }
    }

    /** Segments whose keyword statistics are kept: for tests. */
    int segmentsWithKeywordStatistics() {
        return keywordStatistics.segmentsCounted();
    }

    /** The segments searches read now. */
    int segmentsSearched() {
        return read(searcher -> searcher.getIndexReader().leaves().size());
    }

    @Override
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public synchronized void upsert(List<EmbeddedChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        for (EmbeddedChunk chunk : chunks) {
            if (chunk.hasVector()) {
                checkDimension(chunk.vector(), "vector");
            }
        }
        write(searcher -> {
            List<BytesRef> ids = bytes(chunks.stream().map(c -> c.chunk().id()).toList());
            Set<String> keys = new HashSet<>();
            Set<String> given = new HashSet<>();
            chunks.forEach(c -> {
                keys.add(c.key());
                if (c.hasVector()) {
                    given.add(c.key());
                }
            });
            Set<String> present = vectorKeys(searcher, keys);
            Set<String> gone = new HashSet<>(keys);
            gone.removeAll(present);
            gone.removeAll(given);
            if (!gone.isEmpty()) {
                throw new VectorsGoneException(gone); // before anything of the batch is written
            }
            // Keys of the chunks this batch replaces: one may lose its last chunk (a new chunker version).
            Set<String> replaced = keysOf(searcher, new TermInSetQuery(ID, ids));
            replaced.removeAll(keys);
            Set<String> orphans = orphans(searcher, replaced, new TermInSetQuery(ID, ids));
            for (EmbeddedChunk chunk : chunks) {
                writer.updateDocument(new Term(ID, chunk.chunk().id()), document(chunk.chunk(), chunk.key()));
                if (chunk.hasVector() && present.add(chunk.key())) {
                    writer.addDocument(vectorDocument(chunk.key(), chunk.vector()));
                }
            }
            deleteVectors(writer, orphans);
        });
    }

    @Override
    public Set<String> heldKeys(Collection<String> keys) {
        if (keys.isEmpty()) {
            return new HashSet<>();
        }
        return read(searcher -> vectorKeys(searcher, keys));
    }

    @Override
    public ProjectModels models(ProjectId project) {
        return models.models(project);
    }

    @Override
    public void requestModel(ProjectId project) {
        models.request(project, model);
    }

    @Override
    public void activate(ProjectId project) {
        EmbeddingModel replaced = models.activate(project, model);
        if (replaced != null) {
            deleteIn(models.indexOf(replaced), project);
        }
    }

    /** Removes the project's chunks from another model's index. */
    private static void deleteIn(Path index, ProjectId project) {
        if (!java.nio.file.Files.isDirectory(index)) {
            return;
        }
        try (Directory other = FSDirectory.open(index); IndexWriter otherWriter = new IndexWriter(other, config(() -> { }));
             DirectoryReader reader = DirectoryReader.open(otherWriter)) {
            deleteChunks(otherWriter, new IndexSearcher(reader), new TermQuery(new Term(PROJECT, project.value())));
            otherWriter.commit();
        } catch (IOException e) {
            throw new StoreException("cannot remove the chunks of project " + project + " from " + index + ": "
                    + e.getMessage(), e);
        }
    }


    @Override
    public Map<String, String> chunkKeys(ProjectId project) {
        return keysById(new TermQuery(new Term(PROJECT, project.value())));
    }

    @Override
    public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return new HashMap<>();
        }
        return keysById(inProject(project, new TermInSetQuery(PATH, bytes(paths))));
    }

    private Map<String, String> keysById(Query query) {
        return read(searcher -> {
            Map<String, String> keys = new HashMap<>();
            int total = searcher.count(query);
            if (total > 0) {
                StoredFields stored = searcher.storedFields();
                for (ScoreDoc hit : searcher.search(query, total).scoreDocs) {
                    Document doc = stored.document(hit.doc, Set.of(ID, KEY));
                    keys.put(doc.get(ID), doc.get(KEY));
                }
            }
            return keys;
        });
    }

    @Override
    public synchronized void delete(ProjectId project, Collection<String> chunkIds) {
        if (!chunkIds.isEmpty()) {
            write(searcher -> deleteChunks(writer, searcher, inProject(project, new TermInSetQuery(ID, bytes(chunkIds)))));
        }
    }

    @Override
    public synchronized void deletePaths(ProjectId project, Collection<String> paths) {
        if (!paths.isEmpty()) {
            write(searcher -> deleteChunks(writer, searcher, inProject(project, new TermInSetQuery(PATH, bytes(paths)))));
        }
    }

    @Override
    public synchronized void deleteProject(ProjectId project) {
        write(searcher -> deleteChunks(writer, searcher, new TermQuery(new Term(PROJECT, project.value()))));
        for (Map.Entry<Path, EmbeddingModel> index : models.indexes().entrySet()) {
            if (!index.getValue().equals(model)) {
                deleteIn(index.getKey(), project);
            }
        }
        models.forget(project);
    }

    @Override
    public long count(ProjectId project) {
        return read(searcher -> (long) searcher.count(new TermQuery(new Term(PROJECT, project.value()))));
    }

    /**
     * Vectors are documents of their own, by key, so none is copied or added to the graph. Where
     * the copied chunks are a large share of a segment ({@link #MERGED_COPY_SHARE}), they are merged
     * in as a new segment with their project and ids renamed ({@link CopiedChunks}): no text is
     * analysed again. Elsewhere (a small project in a large segment, where a merge would go through
     * every posting of the segment for a few documents) they are written again, on every core.
     */
    @Override
    public synchronized long copyChunks(ProjectId from, ProjectId to) {
        long[] copied = {0};
        write(searcher -> {
            Weight chunks = filterWeight(searcher, new TermQuery(new Term(PROJECT, from.value())));
            // Nothing to replace in a project without chunks (a new project's copy): no delete to apply.
            boolean replacing = searcher.count(new TermQuery(new Term(PROJECT, to.value()))) > 0;
            List<CodecReader> merged = new ArrayList<>();
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                DocIdSetIterator matches = liveMatches(chunks, leaf);
                if (matches == null) {
                    continue;
                }
                FixedBitSet selected = new FixedBitSet(leaf.reader().maxDoc());
                selected.or(matches);
                int count = selected.cardinality();
                if (count == 0) {
                    continue;
                }
                copied[0] += count;
                if (leaf.reader() instanceof CodecReader segment
                        && (long) count * MERGED_COPY_SHARE >= segment.maxDoc()) {
                    String[] ids = copiedIds(segment, selected, to);
                    if (replacing) {
                        // As an upsert would: a chunk of that id already there is replaced (the merged
                        // segment comes after this delete, so it is not touched by it).
                        writer.deleteDocuments(new TermInSetQuery(ID, bytes(Arrays.stream(ids)
                                .filter(Objects::nonNull).toList())));
                    }
                    merged.add(new CopiedChunks(segment, selected, ID, PROJECT, to.value(), ids));
                } else {
                    writeCopies(leaf.reader(), selected, to);
                }
            }
            if (!merged.isEmpty()) {
                writer.addIndexes(merged.toArray(CodecReader[]::new));
            }
        });
        return copied[0];
    }

    /** The id each selected chunk document has in {@code to}, by document number. */
    private static String[] copiedIds(CodecReader segment, FixedBitSet selected, ProjectId to) throws IOException {
        String[] ids = new String[segment.maxDoc()];
        StoredFieldsReader stored = segment.getFieldsReader().getMergeInstance(); // in order, a block at a time
        Set<String> fields = Set.of(PATH, START, END, HASH);
        for (int doc : CopiedChunks.documents(selected)) {
            Document d = stored.document(doc, fields);
            ids[doc] = Chunk.idOf(to, d.get(PATH), d.getField(START).numericValue().intValue(),
                    d.getField(END).numericValue().intValue(), d.get(HASH));
        }
        return ids;
    }

    /** The selected chunk documents written again as {@code to}'s, on every core (analysing text is most of it). */
    private void writeCopies(LeafReader reader, FixedBitSet selected, ProjectId to) {
        int[] docs = CopiedChunks.documents(selected);
        int parts = Math.max(1, Math.min(COPY_THREADS, Runtime.getRuntime().availableProcessors()));
        IntStream.range(0, parts).parallel().forEach(part -> {
            try {
                StoredFields stored = reader.storedFields(); // one per thread
                for (int i = part; i < docs.length; i += parts) {
                    Document doc = stored.document(docs[i]);
                    Chunk copy = chunk(doc).inProject(to);
                    writer.updateDocument(new Term(ID, copy.id()), document(copy, doc.get(KEY)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        checkDimension(query, "query");
        if (k < 1 || !models.models(project).answersWith(model)) {
            return List.of();
        }
        return read(searcher -> {
            VectorFilter filter = vectorFilter(searcher, project);
            if (filter == null) {
                return List.of();
            }
            // A project of up to exactSearchMaxKeys keys is scanned whole (see EXACT_SEARCH_MAX_KEYS).
            // Above, Lucene walks the graph only over the project's keys, and falls back to a scan
            // when they are few. k keys hold at least k of its chunks.
            TopDocs top = filter.keys() <= exactSearchMaxKeys ? nearestExactly(searcher, filter.query(), unit(query), k)
                    : searcher.search(new KnnFloatVectorQuery(VECTOR, unit(query), k, filter.query()), k);
            StoredFields stored = searcher.storedFields();
            Map<String, Float> scores = new HashMap<>();
            for (ScoreDoc hit : top.scoreDocs) {
                scores.put(stored.document(hit.doc, Set.of(VECTOR_KEY)).get(VECTOR_KEY), hit.score);
            }
            if (scores.isEmpty()) {
                return List.of();
            }
            Query chunks = inProject(project, new TermInSetQuery(KEY, bytes(scores.keySet())));
            List<ScoredChunk> hits = new ArrayList<>();
            for (ScoreDoc doc : searcher.search(chunks, Math.max(1, searcher.count(chunks))).scoreDocs) {
                Document found = stored.document(doc.doc);
                // Lucene scores a dot product d as (1 + d) / 2; report the cosine itself.
                hits.add(new ScoredChunk(chunk(found), 2.0 * scores.get(found.get(KEY)) - 1.0));
            }
            hits.sort(Comparator.comparingDouble(ScoredChunk::score).reversed()
                    .thenComparing(hit -> hit.chunk().id()));
            return hits.size() > k ? List.copyOf(hits.subList(0, k)) : hits;
        });
    }

    /** The vector documents of the project's keys, or null when it has none. */
    private VectorFilter vectorFilter(IndexSearcher searcher, ProjectId project) throws IOException {
        IndexReader reader = searcher.getIndexReader();
        VectorFilter cached = vectorFilters.get(project);
        if (cached != null && cached.reader() == reader) {
            return cached;
        }
        List<BytesRef> keys = projectKeys(searcher, project);
        if (keys.isEmpty()) {
            return null;
        }
        VectorFilter filter = new VectorFilter(reader, new TermInSetQuery(VECTOR_KEY, keys), keys.size());
        if (vectorFilters.size() >= MAX_CACHED_FILTERS) {
            vectorFilters.clear();
        }
        vectorFilters.put(project, filter);
        return filter;
    }

    /**
     * The k vector documents matching the filter nearest to the query, by a dot product with each:
     * what the graph approximates. Ties go to the lower document number, as in Lucene's own scan.
     */
    private static TopDocs nearestExactly(IndexSearcher searcher, Query filter, float[] query, int k)
            throws IOException {
        Comparator<ScoreDoc> worstFirst = Comparator.<ScoreDoc>comparingDouble(hit -> hit.score)
                .thenComparing(hit -> -hit.doc);
        PriorityQueue<ScoreDoc> best = new PriorityQueue<>(k + 1, worstFirst);
        Weight weight = filterWeight(searcher, filter);
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            DocIdSetIterator docs = liveMatches(weight, leaf);
            FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
            if (docs == null || vectors == null) {
                continue;
            }
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                int vectorDoc = vectors.docID() < doc ? vectors.advance(doc) : vectors.docID();
                if (vectorDoc != doc) {
                    continue;
                }
                best.add(new ScoreDoc(leaf.docBase + doc,
                        VectorSimilarityFunction.DOT_PRODUCT.compare(query, vectors.vectorValue())));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        ScoreDoc[] top = best.toArray(new ScoreDoc[0]);
        Arrays.sort(top, worstFirst.reversed());
        return new TopDocs(new TotalHits(top.length, TotalHits.Relation.EQUAL_TO), top);
    }

    /** The distinct keys of the project's chunks, read from doc values (no stored field is loaded). */
    private static List<BytesRef> projectKeys(IndexSearcher searcher, ProjectId project) throws IOException {
        Set<BytesRef> keys = new HashSet<>();
        Weight weight = filterWeight(searcher, new TermQuery(new Term(PROJECT, project.value())));
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            DocIdSetIterator docs = liveMatches(weight, leaf);
            SortedDocValues values = leaf.reader().getSortedDocValues(KEY_VALUES);
            if (docs == null || values == null) {
                continue;
            }
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                if (values.advanceExact(doc)) {
                    keys.add(BytesRef.deepCopyOf(values.lookupOrd(values.ordValue())));
                }
            }
        }
        return new ArrayList<>(keys);
    }

    /** A filter's weight: no scores, and the searcher's query cache may keep its documents. */
    private static Weight filterWeight(IndexSearcher searcher, Query filter) throws IOException {
        return searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1);
    }

    /** The leaf's live documents the weight matches, in order; null when it matches none there. */
    private static DocIdSetIterator liveMatches(Weight weight, LeafReaderContext leaf) throws IOException {
        Scorer scorer = weight.scorer(leaf);
        if (scorer == null) {
            return null;
        }
        Bits live = leaf.reader().getLiveDocs();
        return live == null ? scorer.iterator() : new FilteredDocIdSetIterator(scorer.iterator()) {
            @Override
            protected boolean match(int doc) {
                return live.get(doc);
            }
        };
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        Query search = keywordQuery(project, query);
        if (search == null || k < 1 || !models.models(project).answersWith(model)) {
            return List.of();
        }
        return read(searcher -> {
            IndexSearcher scoped = keywordStatistics.searcher(searcher.getIndexReader(), project.value());
            return hits(scoped, scoped.search(search, k), score -> score);
        });
    }

    /** The question's words in the chunks' text and paths, within the project; null when it has none. */
    Query keywordQuery(ProjectId project, String query) {
        BooleanQuery.Builder anyTerm = new BooleanQuery.Builder();
        int terms = 0;
        for (String term : queryAnalyzer.terms(TEXT, query)) {
            if (terms++ == MAX_QUERY_TERMS) {
                break;
            }
            anyTerm.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
            anyTerm.add(new BoostQuery(new TermQuery(new Term(PATH_TERMS, term)), PATH_BOOST), Occur.SHOULD);
        }
        return terms == 0 ? null : inProject(project, anyTerm.build());
    }

    @Override
    public void close() {
        try {
            refresher.shutdown(); // merges that end from now on refresh nothing
            awaitRefresher();
            searchers.close();
            finishMerges();
            writer.close(); // a rollback to the last commit, which every write made: aborts merges, loses nothing
            directory.close();
        } catch (IOException e) {
            throw new StoreException("cannot close the chunk index: " + e.getMessage(), e);
        }
    }

    private void awaitRefresher() {
        try {
            refresher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close anyway
        }
    }

    /**
     * Gives the merges running in the background up to {@link #CLOSE_MERGE_WAIT} and commits what
     * they merged. Without it a short process (a `rag ingest` of a few files) would abandon the
     * merge its commit started at every exit and leave the index one small segment larger each
     * time; a long merge (a large index's graph) is still abandoned, and runs again later.
     */
    private void finishMerges() throws IOException {
        long deadline = System.nanoTime() + CLOSE_MERGE_WAIT.toNanos();
        while ((writer.hasPendingMerges() || !writer.getMergingSegments().isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (writer.hasUncommittedChanges()) {
            writer.commit();
        }
    }

    static Document document(Chunk chunk, String key) {
        Document doc = new Document();
        doc.add(new StringField(ID, chunk.id(), Field.Store.YES));
        doc.add(new StringField(PROJECT, chunk.projectId().value(), Field.Store.YES));
        doc.add(new StringField(PATH, chunk.path(), Field.Store.YES));
        doc.add(new TextField(PATH_TERMS, chunk.path(), Field.Store.NO));
        doc.add(new StoredField(LANGUAGE, chunk.language()));
        doc.add(new StoredField(START, chunk.startLine()));
        doc.add(new StoredField(END, chunk.endLine()));
        doc.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
        doc.add(new StoredField(HASH, chunk.contentHash()));
        doc.add(new StringField(KEY, key, Field.Store.YES));
        doc.add(new SortedDocValuesField(KEY_VALUES, new BytesRef(key)));
        return doc;
    }

    private static Document vectorDocument(String key, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(VECTOR_KEY, key, Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, unit(vector), VectorSimilarityFunction.DOT_PRODUCT));
        // The text fields, empty: every document of a segment then has a norm for them, which Lucene
        // keeps dense. Sparse norms (chunk documents only) were looked up through an index for every
        // posting when a segment was flushed: most of the time of writing a second project's chunks.
        // An empty field adds no term, so BM25's statistics (documents with a term, average length)
        // are unchanged.
        doc.add(new TextField(TEXT, "", Field.Store.NO));
        doc.add(new TextField(PATH_TERMS, "", Field.Store.NO));
        return doc;
    }

    /**
     * Of these keys, those with a live vector document: a term lookup per key and segment, with no
     * stored field read (reading each match's stored key was most of a second project's lookups).
     */
    private static Set<String> vectorKeys(IndexSearcher searcher, Collection<String> keys) throws IOException {
        Set<String> held = new HashSet<>();
        List<String> left = new ArrayList<>(new HashSet<>(keys));
        left.sort(null); // terms are sorted: seeking in order stays near the last one
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(VECTOR_KEY);
            if (terms == null) {
                continue;
            }
            TermsEnum termsEnum = terms.iterator();
            Bits live = leaf.reader().getLiveDocs();
            PostingsEnum postings = null;
            for (String key : left) {
                if (!held.contains(key) && termsEnum.seekExact(new BytesRef(key))) {
                    postings = termsEnum.postings(postings, PostingsEnum.NONE);
                    for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                        if (live == null || live.get(doc)) {
                            held.add(key);
                            break;
                        }
                    }
                }
            }
        }
        return held;
    }

    /** The keys of the chunks matching the query. */
    private static Set<String> keysOf(IndexSearcher searcher, Query chunks) throws IOException {
        return stored(searcher, chunks, KEY);
    }

    /** Of these keys, those no chunk holds once the chunks matching {@code removed} are gone. */
    private static Set<String> orphans(IndexSearcher searcher, Set<String> keys, Query removed) throws IOException {
        Set<String> orphans = new HashSet<>(keys);
        if (!keys.isEmpty()) {
            Query kept = new BooleanQuery.Builder()
                    .add(new TermInSetQuery(KEY, bytes(keys)), Occur.FILTER)
                    .add(removed, Occur.MUST_NOT)
                    .build();
            orphans.removeAll(keysOf(searcher, kept));
        }
        return orphans;
    }

    /**
     * Deletes the chunks matching the query and the vectors only they held: the searcher must see
     * the index as it is before this change (the writes are serialised).
     */
    private static void deleteChunks(IndexWriter writer, IndexSearcher searcher, Query chunks) throws IOException {
        Set<String> orphans = orphans(searcher, keysOf(searcher, chunks), chunks);
        writer.deleteDocuments(chunks);
        deleteVectors(writer, orphans);
    }

    private static void deleteVectors(IndexWriter writer, Set<String> keys) throws IOException {
        if (!keys.isEmpty()) {
            writer.deleteDocuments(new TermInSetQuery(VECTOR_KEY, bytes(keys)));
        }
    }

    /** The values of one stored field of every document matching the query. */
    private static Set<String> stored(IndexSearcher searcher, Query query, String field) throws IOException {
        Set<String> values = new HashSet<>();
        int total = searcher.count(query);
        if (total == 0) {
            return values;
        }
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc hit : searcher.search(query, total).scoreDocs) {
            values.add(stored.document(hit.doc, Set.of(field)).get(field));
        }
        return values;
    }

    /**
     * An index written before vector documents (each chunk document carried its vector, in the
     * graph) is rewritten into this layout: every chunk without its vector, one vector document per
     * key. One commit, so a crash leaves the old index whole and the next open starts again.
     */
    private void upgradeLayout(Path dir) throws IOException {
        if (VECTORS_BY_KEY.equals(commitData().get(LAYOUT))) {
            return;
        }
        int rewritten = 0;
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            Set<String> keys = new HashSet<>();
            StoredFields stored = searcher.storedFields();
            for (LeafReaderContext leaf : reader.leaves()) {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; values != null && doc < leaf.reader().maxDoc(); doc++) {
                    if ((live != null && !live.get(doc)) || values.docID() > doc || values.advance(doc) != doc) {
                        continue;
                    }
                    Document old = stored.document(leaf.docBase + doc);
                    if (old.get(ID) == null) {
                        continue; // a vector document already
                    }
                    Chunk chunk = chunk(old);
                    float[] vector = values.vectorValue().clone();
                    String key = old.get(KEY) != null ? old.get(KEY) : new EmbeddedChunk(chunk, vector).key();
                    writer.updateDocument(new Term(ID, chunk.id()), document(chunk, key));
                    if (keys.add(key)) {
                        writer.addDocument(vectorDocument(key, vector));
                    }
                    rewritten++;
                }
            }
        }
        commitMark(LAYOUT, VECTORS_BY_KEY);
        if (rewritten > 0) {
            LoggerFactory.getLogger(LuceneVectorStore.class).info("rewrote {} chunks of the index at {} to keep one"
                    + " vector per embedding key", rewritten, dir);
        }
    }

    /**
     * An index written before Chinese, Japanese and Korean text was split into pairs of characters
     * ({@link CjkPairsFilter}) has the chunks that hold such text, in their text or path, analysed
     * again from their stored fields: a question in those scripts would not find them otherwise,
     * and their files may never change. Once, in one commit; other chunks are not touched.
     */
    private void upgradeAnalysis(Path dir) throws IOException {
        if (CJK_PAIRS.equals(commitData().get(ANALYSIS))) {
            return;
        }
        int rewritten = 0;
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields fields = leaf.reader().storedFields();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    Document stored = fields.document(doc, Set.of(ID, PATH, TEXT));
                    if (stored.get(ID) == null
                            || !(CjkPairs.hasCjk(stored.get(TEXT)) || CjkPairs.hasCjk(stored.get(PATH)))) {
                        continue; // a vector document, or nothing to split
                    }
                    Document chunk = fields.document(doc);
                    writer.updateDocument(new Term(ID, chunk.get(ID)), document(chunk(chunk), chunk.get(KEY)));
                    rewritten++;
                }
            }
        }
        commitMark(ANALYSIS, CJK_PAIRS);
        if (rewritten > 0) {
            LoggerFactory.getLogger(LuceneVectorStore.class).info("analysed again the {} chunks of the index at {}"
                    + " that hold Chinese, Japanese or Korean text, now searched by pairs of characters", rewritten, dir);
        }
    }

    /** The marks the last commit carries (how the index is laid out and analysed). */
    private Map<String, String> commitData() {
        Map<String, String> data = new HashMap<>();
        writer.getLiveCommitData().forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        return data;
    }

    /** Commits what was written with one more mark: an upgrade and its mark land together, or neither. */
    private void commitMark(String key, String value) throws IOException {
        Map<String, String> data = commitData();
        data.put(key, value);
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
    }

    static Chunk chunk(Document doc) {
        return new Chunk(doc.get(ID), new ProjectId(doc.get(PROJECT)), doc.get(PATH), doc.get(LANGUAGE),
                doc.getField(START).numericValue().intValue(), doc.getField(END).numericValue().intValue(),
                doc.get(TEXT), doc.get(HASH));
    }

    private interface ScoreMapping {
        double apply(float luceneScore);
    }

    private static List<ScoredChunk> hits(IndexSearcher searcher, TopDocs top, ScoreMapping mapping)
            throws IOException {
        StoredFields stored = searcher.storedFields();
        List<ScoredChunk> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
            hits.add(new ScoredChunk(chunk(stored.document(hit.doc)), mapping.apply(hit.score)));
        }
        return hits;
    }

    private static Query inProject(ProjectId project, Query query) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(PROJECT, project.value())), Occur.FILTER)
                .add(query, Occur.MUST)
                .build();
    }

    private static List<BytesRef> bytes(Collection<String> values) {
        return values.stream().distinct().map(BytesRef::new).toList();
    }

    private void checkDimension(float[] vector, String what) {
        if (vector.length != dimension) {
            throw new StoreException(what + " of dimension " + vector.length + " does not fit a store of dimension "
                    + dimension);
        }
    }

    /** A unit-length copy; a zero vector stays zero (it then scores 0 against everything). */
    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        float[] copy = vector.clone();
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < copy.length; i++) {
                copy[i] *= scale;
            }
        }
        return copy;
    }

    /**
     * Lucene's default codec, but taking vectors of up to {@value #MAX_DIMENSIONS} dimensions: its own
     * cap (1,024) is below OpenAI's 1,536. The files are the default formats under their own names,
     * so any Lucene of this version reads them.
     */
    private static final class WideVectorCodec extends Lucene912Codec {
        private static final int MAX_DIMENSIONS = 4096;
        private final KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat();
        private final KnnVectorsFormat wide = new KnnVectorsFormat(hnsw.getName()) {
            @Override
            public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
                return hnsw.fieldsWriter(state);
            }

            @Override
            public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
                return hnsw.fieldsReader(state);
            }

            @Override
            public int getMaxDimensions(String fieldName) {
                return MAX_DIMENSIONS;
            }
        };

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return wide;
        }
    }

    /** A change to the index, given a searcher that sees it as the last write left it. */
    private interface IndexWrite {
        void run(IndexSearcher before) throws IOException;
    }

    private interface IndexRead<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private void write(IndexWrite change) {
        try {
            // Writes are serialised and each refreshes the searchers: the one acquired here is current.
            IndexSearcher before = searchers.acquire();
            try {
                change.run(before);
            } finally {
                searchers.release(before);
            }
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (VectorsGoneException e) {
            throw e; // raised before the batch wrote anything: the caller acts on it
        } catch (IOException | RuntimeException e) {
            // Documents of a failed batch that did get in are valid upserts; the next commit keeps them.
            throw new StoreException("writing to the chunk index failed: " + e.getMessage(), e);
        }
    }

    private <T> T read(IndexRead<T> query) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return query.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new StoreException("reading the chunk index failed: " + e.getMessage(), e);
        }
    }
}

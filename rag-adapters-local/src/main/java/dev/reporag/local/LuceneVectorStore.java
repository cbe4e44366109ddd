package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chunks of one embedding model in one Lucene index: an HNSW graph over unit-length vectors (dot
 * product, which equals cosine for them) and BM25 over code-aware terms of text and path. Every
 * write ends with a commit, so a crash keeps whole batches or nothing; the chunk id is the update
 * term, so a re-run batch replaces rather than duplicates. Each chunk carries its embedding key:
 * {@link #vectors} finds a key's vector in any project's chunk, and a vector lives as long as one
 * chunk holds it. Other models have indexes of their own beside this one ({@link LocalModels}).
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
    private static final String KEY = "key";
    private static final int MAX_QUERY_TERMS = 64;
    private static final float PATH_BOOST = 1.5f;

    private final EmbeddingModel model;
    private final int dimension;
    private final LocalModels models;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final CodeAnalyzer queryAnalyzer = new CodeAnalyzer(false);

    LuceneVectorStore(Path dir, EmbeddingModel model, LocalModels models) {
        this.model = model;
        this.dimension = model.dimension();
        this.models = models;
        try {
            directory = FSDirectory.open(dir);
            writer = new IndexWriter(directory, config());
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
     */
    private static IndexWriterConfig config() {
        return new IndexWriterConfig(new CodeAnalyzer(true))
                .setCodec(new WideVectorCodec())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCommitOnClose(false);
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
            checkDimension(chunk.vector(), "vector");
        }
        write(() -> {
            for (EmbeddedChunk chunk : chunks) {
                writer.updateDocument(new Term(ID, chunk.chunk().id()), document(chunk));
            }
        });
    }

    @Override
    public Map<String, float[]> vectors(Collection<String> keys) {
        Map<String, float[]> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        Query query = new TermInSetQuery(KEY, bytes(keys));
        return read(searcher -> {
            int total = searcher.count(query);
            if (total == 0) {
                return found;
            }
            ScoreDoc[] hits = searcher.search(query, total).scoreDocs.clone();
            Arrays.sort(hits, Comparator.comparingInt(hit -> hit.doc));
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            StoredFields stored = searcher.storedFields();
            FloatVectorValues values = null;
            int leafIndex = -1;
            for (ScoreDoc hit : hits) {
                String key = stored.document(hit.doc, Set.of(KEY)).get(KEY);
                if (found.containsKey(key)) {
                    continue;
                }
                int leaf = ReaderUtil.subIndex(hit.doc, leaves);
                if (leaf != leafIndex) {
                    leafIndex = leaf;
                    values = leaves.get(leaf).reader().getFloatVectorValues(VECTOR);
                }
                int local = hit.doc - leaves.get(leaf).docBase;
                if (values != null && values.docID() <= local && values.advance(local) == local) {
                    found.put(key, values.vectorValue().clone());
                }
            }
            return found;
        });
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
        try (Directory other = FSDirectory.open(index); IndexWriter otherWriter = new IndexWriter(other, config())) {
            otherWriter.deleteDocuments(new Term(PROJECT, project.value()));
            otherWriter.commit();
        } catch (IOException e) {
            throw new StoreException("cannot remove the chunks of project " + project + " from " + index + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> chunkIds(ProjectId project) {
        return ids(new TermQuery(new Term(PROJECT, project.value())));
    }

    @Override
    public Set<String> chunkIds(ProjectId project, Collection<String> paths) {
        if (paths.isEmpty()) {
            return new HashSet<>();
        }
        return ids(inProject(project, new TermInSetQuery(PATH, bytes(paths))));
    }

    @Override
    public synchronized void delete(ProjectId project, Collection<String> chunkIds) {
        if (!chunkIds.isEmpty()) {
            write(() -> writer.deleteDocuments(inProject(project, new TermInSetQuery(ID, bytes(chunkIds)))));
        }
    }

    @Override
    public synchronized void deletePaths(ProjectId project, Collection<String> paths) {
        if (!paths.isEmpty()) {
            write(() -> writer.deleteDocuments(inProject(project, new TermInSetQuery(PATH, bytes(paths)))));
        }
    }

    @Override
    public synchronized void deleteProject(ProjectId project) {
        write(() -> writer.deleteDocuments(new Term(PROJECT, project.value())));
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

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        checkDimension(query, "query");
        if (k < 1 || !models.models(project).answersWith(model)) {
            return List.of();
        }
        // With a filter Lucene walks the graph only over the project's documents and falls back to
        // an exact scan when they are few, so a small project still gets k hits.
        Query knn = new KnnFloatVectorQuery(VECTOR, unit(query), k,
                new TermQuery(new Term(PROJECT, project.value())));
        return read(searcher -> {
            TopDocs top = searcher.search(knn, k);
            // Lucene scores a dot product d as (1 + d) / 2; report the cosine itself.
            return hits(searcher, top, score -> 2.0 * score - 1.0);
        });
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        BooleanQuery.Builder anyTerm = new BooleanQuery.Builder();
        int terms = 0;
        for (String term : queryAnalyzer.terms(TEXT, query)) {
            if (terms++ == MAX_QUERY_TERMS) {
                break;
            }
            anyTerm.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
            anyTerm.add(new BoostQuery(new TermQuery(new Term(PATH_TERMS, term)), PATH_BOOST), Occur.SHOULD);
        }
        if (terms == 0 || k < 1 || !models.models(project).answersWith(model)) {
            return List.of();
        }
        Query search = inProject(project, anyTerm.build());
        return read(searcher -> hits(searcher, searcher.search(search, k), score -> score));
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close(); // a rollback to the last commit, which every write made: aborts merges, loses nothing
            directory.close();
        } catch (IOException e) {
            throw new StoreException("cannot close the chunk index: " + e.getMessage(), e);
        }
    }

    private Document document(EmbeddedChunk embedded) {
        Chunk chunk = embedded.chunk();
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
        doc.add(new StringField(KEY, embedded.key(), Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, unit(embedded.vector()), VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    private static Chunk chunk(Document doc) {
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

    private Set<String> ids(Query query) {
        return read(searcher -> {
            int total = searcher.count(query);
            Set<String> ids = new HashSet<>();
            if (total == 0) {
                return ids;
            }
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc hit : searcher.search(query, total).scoreDocs) {
                ids.add(stored.document(hit.doc, Set.of(ID)).get(ID));
            }
            return ids;
        });
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

    private interface IndexWrite {
        void run() throws IOException;
    }

    private interface IndexRead<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private void write(IndexWrite change) {
        try {
            change.run();
            writer.commit();
            searchers.maybeRefreshBlocking();
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

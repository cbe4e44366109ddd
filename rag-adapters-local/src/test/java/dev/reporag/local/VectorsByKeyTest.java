package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store keeps one vector per embedding key, outside the chunk documents: a chunk
 * whose vector another project already stored adds nothing to the graph, and an index of the
 * earlier layout (each chunk document carrying its vector) is rewritten when it opens.
 */
class VectorsByKeyTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 8);

    @TempDir
    Path dir;

    @Test
    void aSecondProjectWithTheSameKeysAddsNoVectorToTheGraph() throws IOException {
        ProjectId first = ProjectId.random();
        ProjectId second = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            VectorStore vectors = store.vectorStore();
            vectors.upsert(List.of(chunk(first, "a.java", "alpha", 0, "k-a"), chunk(first, "b.java", "beta", 1, "k-b")));
            vectors.upsert(List.of(chunk(second, "a.java", "alpha", 0, "k-a"), chunk(second, "b.java", "beta", 1, "k-b"),
                    chunk(second, "c.java", "gamma", 2, "k-c")));

            assertThat(vectorsInGraph(store)).isEqualTo(3);
            assertThat(vectors.count(first)).isEqualTo(2);
            assertThat(vectors.count(second)).isEqualTo(3);
            assertThat(vectors.vectorSearch(second, axis(2), 1)).singleElement()
                    .satisfies(hit -> assertThat(hit.chunk().path()).isEqualTo("c.java"));

            vectors.deleteProject(second);
            assertThat(vectorsInGraph(store)).as("k-c was the second project's only").isEqualTo(2);
            vectors.delete(first, vectors.chunkKeys(first).keySet());
            assertThat(vectorsInGraph(store)).isZero();
        }
    }

    @Test
    void aChunkReplacedUnderAnotherKeyFreesTheKeyNothingElseHolds() throws IOException {
        ProjectId project = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            VectorStore vectors = store.vectorStore();
            vectors.upsert(List.of(chunk(project, "a.java", "alpha", 0, "old-key")));
            // Same chunk id, another key: a new chunker version or model header embeds it anew.
            vectors.upsert(List.of(chunk(project, "a.java", "alpha", 1, "new-key")));

            assertThat(vectors.heldKeys(List.of("old-key", "new-key"))).containsExactly("new-key");
            assertThat(vectorsInGraph(store)).isEqualTo(1);
            assertThat(vectors.vectorSearch(project, axis(1), 5)).singleElement()
                    .satisfies(hit -> assertThat(hit.score()).isGreaterThan(0.999));
        }
    }

    @Test
    void aSearchReturnsEveryChunkOfTheNearestKeysUpToK() {
        ProjectId project = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            VectorStore vectors = store.vectorStore();
            // Two chunks of one project with one key (the same text twice in a file), and a third.
            vectors.upsert(List.of(chunk(project, "a.java", 1, "same", 0, "k-same"),
                    chunk(project, "a.java", 9, "same", 0, "k-same"), chunk(project, "b.java", 1, "far", 3, "k-far")));

            List<ScoredChunk> two = vectors.vectorSearch(project, axis(0), 2);
            assertThat(two).extracting(hit -> hit.chunk().startLine()).containsExactlyInAnyOrder(1, 9);
            assertThat(vectors.vectorSearch(project, axis(0), 3)).hasSize(3);
            assertThat(vectors.vectorSearch(project, axis(0), 10)).hasSize(3);
        }
    }

    @Test
    void anIndexOfTheEarlierLayoutIsRewrittenOnceAndAnswersAsBefore() throws IOException {
        ProjectId first = ProjectId.random();
        ProjectId second = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            store.vectorStore().activate(first);
            store.vectorStore().activate(second);
        }
        // As the earlier release wrote it: the vector in each chunk document, the key beside it.
        Path index = dir.resolve(LocalModels.directoryName(MODEL));
        List<EmbeddedChunk> old = List.of(chunk(first, "a.java", "shared text", 0, "k-shared"),
                chunk(first, "b.java", "own text", 1, "k-own"), chunk(second, "a.java", "shared text", 0, "k-shared"),
                chunk(second, "c.java", "other text", 2, "k-other"));
        try (FSDirectory directory = FSDirectory.open(index);
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig()
                     .setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
            for (EmbeddedChunk chunk : old) {
                writer.addDocument(earlierLayout(chunk));
            }
            writer.commit();
        }

        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            VectorStore vectors = store.vectorStore();
            assertThat(vectorsInGraph(store)).as("one vector per key").isEqualTo(3);
            assertThat(vectors.count(first)).isEqualTo(2);
            assertThat(vectors.count(second)).isEqualTo(2);
            assertThat(vectors.vectorSearch(first, axis(1), 1)).singleElement().satisfies(hit -> {
                assertThat(hit.chunk()).isEqualTo(old.get(1).chunk());
                assertThat(hit.score()).isGreaterThan(0.999);
            });
            assertThat(vectors.keywordSearch(second, "other", 5)).extracting(hit -> hit.chunk().path())
                    .containsExactly("c.java");
            assertThat(vectors.heldKeys(List.of("k-shared", "k-own", "k-other"))).hasSize(3);

            vectors.deleteProject(first);
            assertThat(vectors.heldKeys(List.of("k-shared", "k-own"))).containsExactly("k-shared");
        }
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            // Opened again: already in the new layout, nothing rewritten, nothing lost.
            assertThat(vectorsInGraph(store)).isEqualTo(2);
            assertThat(store.vectorStore().vectorSearch(second, axis(2), 1)).singleElement()
                    .satisfies(hit -> assertThat(hit.chunk().path()).isEqualTo("c.java"));
        }
    }

    @Test
    void vectorDocumentsKeepTheTextNormsDenseWithoutChangingKeywordStatistics() throws IOException {
        ProjectId project = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            store.vectorStore().upsert(List.of(chunk(project, "a.java", "alpha beta", 0, "k-a"),
                    chunk(project, "b.java", "beta gamma delta", 1, "k-b"), chunk(project, "c.java", "alpha", 2, "k-a")));
        }
        try (FSDirectory directory = FSDirectory.open(dir.resolve(LocalModels.directoryName(MODEL)));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            assertThat(reader.numDocs()).as("three chunk documents, two vector documents").isEqualTo(5);
            for (LeafReaderContext leaf : reader.leaves()) {
                for (String field : List.of("text", "path_terms")) {
                    // Sparse norms were read through an index for each posting written: the cost of a flush.
                    assertThat(leaf.reader().getNormValues(field).cost()).as(field + " norms: one per document")
                            .isEqualTo(leaf.reader().maxDoc());
                }
            }
            // BM25's statistics count only documents with a term: the empty fields add none.
            IndexSearcher searcher = new IndexSearcher(reader);
            assertThat(searcher.collectionStatistics("text").docCount()).isEqualTo(3);
            assertThat(searcher.collectionStatistics("text").sumTotalTermFreq()).isEqualTo(6);
        }
    }

    @Test
    void shortProcessesWritingOnceEachDoNotPileUpSegments() throws IOException {
        // Commits do not wait for merges; closing gives them a moment. Each store opened here writes
        // one batch and closes at once, as a `rag ingest` of a few files does.
        int processes = 40;
        for (int i = 0; i < processes; i++) {
            ProjectId project = ProjectId.random();
            try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
                store.vectorStore().upsert(List.of(chunk(project, "a" + i + ".java", "alpha " + i, i % 8, "k-" + i)));
            }
        }
        try (FSDirectory directory = FSDirectory.open(dir.resolve(LocalModels.directoryName(MODEL)));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            assertThat(reader.numDocs()).as("a chunk and a vector document each").isEqualTo(2 * processes);
            assertThat(reader.leaves().size()).as("segments after %d one-write processes", processes)
                    .isLessThanOrEqualTo(12);
        }
    }

    @Test
    void searchesReadWhatABackgroundMergeMadeWithoutWaitingForAWrite() throws IOException, InterruptedException {
        // A segment each; past ten small ones they are merged in the background, which takes longer
        // than the refresh that ends the write starting it.
        int writes = 11;
        int chunksPerWrite = 400;
        try (LocalStore local = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            LuceneVectorStore store = (LuceneVectorStore) local.vectorStore();
            ProjectId project = ProjectId.random();
            for (int i = 0; i < writes; i++) {
                List<EmbeddedChunk> batch = new java.util.ArrayList<>();
                for (int j = 0; j < chunksPerWrite; j++) {
                    int n = i * chunksPerWrite + j;
                    batch.add(chunk(project, "f" + n + ".java", "alpha beta gamma delta text number " + n, n % 8, "k-" + n));
                }
                store.upsert(batch);
            }
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (store.segmentsSearched() > writes / 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.segmentsSearched()).as("segments searched %d writes later, no write since", writes)
                    .isLessThanOrEqualTo(writes / 2);
            assertThat(store.count(project)).isEqualTo(writes * chunksPerWrite);
        }
    }

    /** Documents with a vector: in the new layout, one per key. */
    private static int vectorsInGraph(LocalStore store) throws IOException {
        try (FSDirectory directory = FSDirectory.open(store.directory().resolve(LocalModels.directoryName(MODEL)));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            int count = 0;
            for (LeafReaderContext leaf : reader.leaves()) {
                FloatVectorValues values = leaf.reader().getFloatVectorValues("vector");
                if (values == null) {
                    continue;
                }
                for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                    if (leaf.reader().getLiveDocs() == null || leaf.reader().getLiveDocs().get(doc)) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    private static Document earlierLayout(EmbeddedChunk embedded) {
        Chunk chunk = embedded.chunk();
        Document doc = new Document();
        doc.add(new StringField("id", chunk.id(), Field.Store.YES));
        doc.add(new StringField("project", chunk.projectId().value(), Field.Store.YES));
        doc.add(new StringField("path", chunk.path(), Field.Store.YES));
        doc.add(new TextField("path_terms", chunk.path(), Field.Store.NO));
        doc.add(new StoredField("language", chunk.language()));
        doc.add(new StoredField("start", chunk.startLine()));
        doc.add(new StoredField("end", chunk.endLine()));
        doc.add(new TextField("text", chunk.text(), Field.Store.YES));
        doc.add(new StoredField("hash", chunk.contentHash()));
        doc.add(new StringField("key", embedded.key(), Field.Store.YES));
        doc.add(new KnnFloatVectorField("vector", embedded.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    private static EmbeddedChunk chunk(ProjectId project, String path, String text, int axis, String key) {
        return chunk(project, path, 1, text, axis, key);
    }

    private static EmbeddedChunk chunk(ProjectId project, String path, int line, String text, int axis, String key) {
        return new EmbeddedChunk(Chunk.of(project, path, "java", line, line, text), axis(axis), key);
    }

    private static float[] axis(int i) {
        float[] vector = new float[MODEL.dimension()];
        vector[i] = 1;
        return vector;
    }
}

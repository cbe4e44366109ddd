package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.VectorStore;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An index written before Chinese, Japanese and Korean text was split into pairs of characters
 * has its chunks holding such text analysed again when it opens, once; a question in those scripts
 * then finds them without their files changing.
 */
class CjkAnalysisUpgradeTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 8);

    @TempDir
    Path dir;

    @Test
    void chunksHoldingCjkTextAreAnalysedAgainOnceWhenAnEarlierIndexOpens() throws IOException {
        ProjectId project = ProjectId.random();
        EmbeddedChunk cjk = new EmbeddedChunk(Chunk.of(project, "docs/async.md", "markdown", 1, 1,
                "ES2017 标准引入了 async 函数，使得异步操作变得更加方便。"), axis(0));
        EmbeddedChunk plain = new EmbeddedChunk(Chunk.of(project, "src/answer.js", "javascript", 1, 1,
                "export const answer = 42;"), axis(1));
        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            store.vectorStore().upsert(List.of(cjk, plain));
        }
        // As a release before the pairs wrote it: each run of CJK characters one term, and no mark.
        try (FSDirectory directory = FSDirectory.open(dir.resolve(LocalModels.directoryName(MODEL)));
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(earlierAnalyzer()))) {
            writer.updateDocument(new Term("id", cjk.chunk().id()), LuceneVectorStore.document(cjk.chunk(), cjk.key()));
            Map<String, String> data = new HashMap<>();
            writer.getLiveCommitData().forEach(entry -> data.put(entry.getKey(), entry.getValue()));
            data.remove(LuceneVectorStore.ANALYSIS);
            writer.setLiveCommitData(data.entrySet());
            writer.commit();
        }
        assertThat(textTermCount("异步")).as("the earlier analysis").isZero();

        try (LocalStore store = LocalStore.open(dir, MODEL.id(), MODEL.dimension())) {
            VectorStore vectors = store.vectorStore();
            assertThat(vectors.keywordSearch(project, "异步操作", 5)).extracting(hit -> hit.chunk().path())
                    .containsExactly("docs/async.md");
            assertThat(vectors.keywordSearch(project, "answer", 5)).extracting(hit -> hit.chunk().path())
                    .containsExactly("src/answer.js");
            assertThat(vectors.count(project)).isEqualTo(2);
            assertThat(vectors.vectorSearch(project, axis(0), 1)).singleElement()
                    .satisfies(hit -> assertThat(hit.chunk()).isEqualTo(cjk.chunk()));
        }
        assertThat(textTermCount("异步")).isEqualTo(1);
        assertThat(commitData()).containsEntry(LuceneVectorStore.ANALYSIS, LuceneVectorStore.CJK_PAIRS);
    }

    private long textTermCount(String term) throws IOException {
        try (FSDirectory directory = FSDirectory.open(dir.resolve(LocalModels.directoryName(MODEL)));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            return new IndexSearcher(reader).count(new TermQuery(new Term("text", term))); // live documents only
        }
    }

    private Map<String, String> commitData() throws IOException {
        try (FSDirectory directory = FSDirectory.open(dir.resolve(LocalModels.directoryName(MODEL)));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            return reader.getIndexCommit().getUserData();
        }
    }

    /** The code analyzer as it was: no pairs. */
    private static Analyzer earlierAnalyzer() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer words = CharTokenizer.fromTokenCharPredicate(c -> Character.isLetterOrDigit(c) || c == '_');
                TokenStream stream = new WordDelimiterGraphFilter(words, WordDelimiterGraphFilter.GENERATE_WORD_PARTS
                        | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
                        | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS | WordDelimiterGraphFilter.PRESERVE_ORIGINAL, null);
                stream = new LowerCaseFilter(stream);
                stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                return new TokenStreamComponents(words, stream);
            }
        };
    }

    private static float[] axis(int i) {
        float[] vector = new float[MODEL.dimension()];
        vector[i] = 1;
        return vector;
    }
}

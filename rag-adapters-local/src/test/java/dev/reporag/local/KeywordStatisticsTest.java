package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project's keyword scores come from its own live chunks: deleted chunks a merge has not dropped
 * yet and other projects' chunks do not move them, and a project alone in an index scores as
 * Lucene's BM25 does.
 */
class KeywordStatisticsTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 4);
    private static final ProjectId PROJECT = new ProjectId("project");
    private static final ProjectId OTHER = new ProjectId("other");
    private static final String QUESTION = "how does the lease renewal of a claimed job work";
    private static final List<String> TEXTS = List.of(
            "boolean renew(JobId job, Instant now) { // extends the lease of a claimed job }",
            "Optional<Job> claim(String worker) { // claims the next pending job with a lease }",
            "void release(JobId job) { // gives a job back to the queue }",
            "int renewals; // how many times the lease was renewed",
            "String describe() { return \"the worker of a job\"; }");

    @TempDir
    Path dir;

    @Test
    void deletedChunksAndOtherProjectsDoNotMoveAProjectsScores() {
        Map<String, Double> alone = scores(dir.resolve("alone"), store -> {
            store.upsert(chunks(PROJECT, TEXTS, "src/"));
        });
        Map<String, Double> crowded = scores(dir.resolve("crowded"), store -> {
            store.upsert(chunks(PROJECT, TEXTS.subList(0, 3), "src/"));
            // One batch: a chunk kept and one deleted below, so their segment stays with a deletion in it.
            List<EmbeddedChunk> second = chunks(PROJECT, TEXTS.subList(3, 5), "src/");
            List<EmbeddedChunk> doomed = chunks(PROJECT, List.of("lease lease lease job job claimed renewal"), "old/");
            List<EmbeddedChunk> batch = new ArrayList<>(second);
            batch.addAll(doomed);
            store.upsert(batch);
            store.delete(PROJECT, List.of(doomed.get(0).chunk().id()));
            List<String> others = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                others.add(i % 2 == 0 ? "the lease of job " + i : "unrelated text number " + i);
            }
            store.upsert(chunks(OTHER, others, "lib/"));
        });
        assertThat(crowded).isEqualTo(alone);
        assertThat(alone).hasSize(TEXTS.size());
    }

    @Test
    void aProjectAloneInItsIndexScoresAsLuceneDoes() throws Exception {
        try (MvState state = new MvState(dir)) {
            LocalModels models = new LocalModels(state, dir);
            Path path = models.indexOf(MODEL);
            try (LuceneVectorStore store = new LuceneVectorStore(path, MODEL, models)) {
                store.upsert(chunks(PROJECT, TEXTS.subList(0, 2), "src/"));
                store.upsert(chunks(PROJECT, TEXTS.subList(2, 5), "src/"));
                List<ScoredChunk> hits = store.keywordSearch(PROJECT, QUESTION, 10);
                try (FSDirectory directory = FSDirectory.open(path); DirectoryReader reader = DirectoryReader.open(directory)) {
                    IndexSearcher lucene = new IndexSearcher(reader);
                    ScoreDoc[] plain = lucene.search(store.keywordQuery(PROJECT, QUESTION), 10).scoreDocs;
                    assertThat(hits).hasSize(plain.length).hasSize(TEXTS.size());
                    for (int i = 0; i < plain.length; i++) {
                        assertThat(hits.get(i).score()).isEqualTo((double) plain[i].score);
                    }
                }
            }
        }
    }

    @Test
    void countsOfSegmentsNoLongerSearchedAreDropped() {
        try (MvState state = new MvState(dir)) {
            LocalModels models = new LocalModels(state, dir);
            try (LuceneVectorStore store = new LuceneVectorStore(models.indexOf(MODEL), MODEL, models)) {
                List<EmbeddedChunk> chunk = chunks(PROJECT, List.of("the lease of a claimed job"), "src/");
                for (int i = 0; i < 40; i++) {
                    // The same chunk again: a new segment each time, and the last one's copy deleted, so
                    // the index keeps two segments or so whatever the merges do.
                    store.upsert(chunk);
                    assertThat(store.keywordSearch(PROJECT, QUESTION, 5)).hasSize(1);
                }
                // Kept, every searched segment state would stay counted: 40 of them.
                assertThat(store.segmentsWithKeywordStatistics()).isLessThanOrEqualTo(3);
            }
        }
    }

    private interface Writes {
        void into(LuceneVectorStore store);
    }

    /** The project's keyword scores after the writes, by chunk id. */
    private static Map<String, Double> scores(Path root, Writes writes) {
        try (MvState state = new MvState(directory(root))) {
            LocalModels models = new LocalModels(state, root);
            try (LuceneVectorStore store = new LuceneVectorStore(models.indexOf(MODEL), MODEL, models)) {
                writes.into(store);
                Map<String, Double> scores = new LinkedHashMap<>();
                store.keywordSearch(PROJECT, QUESTION, 10).forEach(hit -> scores.put(hit.chunk().id(), hit.score()));
                return scores;
            }
        }
    }

    private static Path directory(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<EmbeddedChunk> chunks(ProjectId project, List<String> texts, String folder) {
        List<EmbeddedChunk> chunks = new ArrayList<>();
        for (String text : texts) {
            int n = text.hashCode() & 0xffff;
            Chunk chunk = Chunk.of(project, folder + "F" + n + ".java", "java", 1, 1, text);
            chunks.add(new EmbeddedChunk(chunk, new float[] {1, n % 7, n % 5, 1}));
        }
        return chunks;
    }
}

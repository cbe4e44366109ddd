package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project's chunks copied to another read as the other project's everywhere (ids, paths,
 * keywords, vectors, deletes), whether they were merged in as a segment of their own (most of
 * their segment) or written again (a sliver of it), and the index stays sound for Lucene.
 */
class CopiedChunksTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 16);
    private static final ProjectId BIG = new ProjectId("big");
    private static final ProjectId SMALL = new ProjectId("small");
    private static final ProjectId BIG_COPY = new ProjectId("big-copy");
    private static final ProjectId SMALL_COPY = new ProjectId("small-copy");

    @TempDir
    Path dir;

    @Test
    void copiesMergedInOrWrittenAgainReadAsTheNewProjectsEverywhere() throws Exception {
        List<EmbeddedChunk> big = chunks(BIG, 120, "big");
        List<EmbeddedChunk> small = chunks(SMALL, 3, "small");
        try (MvState state = new MvState(dir)) {
            LocalModels models = new LocalModels(state, dir);
            Path index = models.indexOf(MODEL);
            try (LuceneVectorStore store = new LuceneVectorStore(index, MODEL, models)) {
                // One batch, one segment: the big project is most of it (merged in when copied), the
                // small one a sliver (written again).
                List<EmbeddedChunk> batch = new ArrayList<>(big);
                batch.addAll(small);
                store.upsert(batch);

                assertThat(store.copyChunks(BIG, BIG_COPY)).isEqualTo(120);
                assertThat(store.copyChunks(SMALL, SMALL_COPY)).isEqualTo(3);

                assertCopied(store, big, BIG_COPY);
                assertCopied(store, small, SMALL_COPY);
                assertThat(store.count(BIG)).as("the originals stay").isEqualTo(120);
                assertCopied(store, big, BIG);

                // Copied again, each chunk replaces its earlier copy, as an upsert of the same id does.
                store.copyChunks(BIG, BIG_COPY);
                store.copyChunks(SMALL, SMALL_COPY);
                assertCopied(store, big, BIG_COPY);
                assertCopied(store, small, SMALL_COPY);
            }
            try (FSDirectory directory = FSDirectory.open(index); CheckIndex check = new CheckIndex(directory)) {
                check.setDoSlowChecks(true);
                assertThat(check.checkIndex().clean).as("Lucene's own check of every segment").isTrue();
            }
            try (LuceneVectorStore store = new LuceneVectorStore(index, MODEL, models)) {
                assertCopied(store, big, BIG_COPY);
                store.deleteProject(BIG);
                assertCopied(store, big, BIG_COPY);
                store.delete(BIG_COPY, List.of(big.get(0).chunk().inProject(BIG_COPY).id()));
                assertThat(store.count(BIG_COPY)).as("a copy is deleted by its id").isEqualTo(119);
            }
        }
    }

    /** Every chunk of {@code originals} is found in {@code project} as that project's, by each way in. */
    private static void assertCopied(LuceneVectorStore store, List<EmbeddedChunk> originals, ProjectId project) {
        List<String> ids = originals.stream().map(c -> c.chunk().inProject(project).id()).toList();
        assertThat(store.chunkKeys(project).keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.count(project)).isEqualTo(originals.size());
        for (EmbeddedChunk original : originals) {
            Chunk expected = original.chunk().inProject(project);
            assertThat(store.vectorSearch(project, original.vector(), 1)).singleElement().satisfies(hit -> {
                assertThat(hit.chunk()).isEqualTo(expected);
                assertThat(hit.score()).isGreaterThan(0.999);
            });
            String word = expected.text().substring(0, expected.text().indexOf(' '));
            assertThat(store.keywordSearch(project, word, 1)).singleElement()
                    .satisfies(hit -> assertThat(hit.chunk()).isEqualTo(expected));
            assertThat(store.chunkKeys(project, List.of(expected.path()))).containsEntry(expected.id(), original.key());
        }
    }

    private static List<EmbeddedChunk> chunks(ProjectId project, int count, String word) {
        Random random = new Random(word.hashCode());
        List<EmbeddedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] vector = new float[MODEL.dimension()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            String text = word + "chunk" + i + " parses the settings of the lease renewal, " + (i % 3 == 0
                    ? "retrying on conflicts" : "reading the clock once");
            Chunk chunk = Chunk.of(project, "src/" + word + "/File" + (i / 2) + ".java", "java", 1 + i % 2 * 10,
                    10 + i % 2 * 10, text);
            chunks.add(new EmbeddedChunk(chunk, vector, word + "-key-" + i));
        }
        return chunks;
    }
}

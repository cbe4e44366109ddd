package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddingKey;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StoredChunksTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 8);
    private final ProjectId project = ProjectId.random();
    private final ProjectId sibling = ProjectId.random();
    private final Chunk chunk = Chunk.of(project, "src/A.java", "java", 10, 20, "int a() { return 1; }");

    private static String key(String embeddedText) {
        return EmbeddingKey.of(embeddedText, 1, MODEL);
    }

    @Test
    void aStoredChunkOfTheSameIdAndKeyIsKeptAndOneWhoseHeaderChangedIsNot() {
        StoredChunks stored = StoredChunks.of(Map.of(chunk.id(), key("class A\n" + chunk.text())));

        assertThat(stored.unchanged(chunk, () -> key("class Renamed\n" + chunk.text()))).isFalse();
        assertThat(stored.unseen()).as("seen, and replaced by the write").isEmpty();

        StoredChunks again = StoredChunks.of(Map.of(chunk.id(), key("class A\n" + chunk.text())));
        assertThat(again.unchanged(chunk, () -> key("class A\n" + chunk.text()))).isTrue();
        assertThat(again.unseen()).isEmpty();
    }

    @Test
    void aKeyNotMadeFromTheTextKeepsTheChunkByItsIdWithoutComputingTheChunksKey() {
        for (String legacy : new String[]{"stored:" + chunk.id(), "v:" + "0".repeat(64), "k-1"}) {
            StoredChunks stored = StoredChunks.of(Map.of(chunk.id(), legacy));
            assertThat(stored.unchanged(chunk, () -> {
                throw new AssertionError("no key is needed for " + legacy);
            })).as(legacy).isTrue();
        }
    }

    @Test
    void whatIsNotSeenIsLeftToDelete() {
        Chunk other = Chunk.of(project, "src/B.java", "java", 1, 2, "gone");
        StoredChunks stored = StoredChunks.of(Map.of(chunk.id(), "k-1", other.id(), "k-2"));

        stored.unchanged(chunk, () -> "unused");

        assertThat(stored.unseen()).containsExactly(other.id());
    }

    @Test
    void besideACopyAChunkTheSiblingHoldsWithTheSameKeyComesWithIt() {
        String embedded = "class A\n" + chunk.text();
        StoredChunks stored = StoredChunks.ofCopy(sibling, Map.of(chunk.inProject(sibling).id(), key(embedded)));

        assertThat(stored.unchanged(chunk, () -> key(embedded))).isTrue();
        assertThat(stored.unchanged(chunk, () -> key("class Renamed\n" + chunk.text())))
                .as("the sibling's has another header").isFalse();
        Chunk elsewhere = Chunk.of(project, "src/A.java", "java", 11, 21, chunk.text());
        assertThat(stored.unchanged(elsewhere, () -> key(embedded))).as("moved: another id there").isFalse();
        assertThat(stored.unseen()).as("nothing of this project's was stored").isEmpty();
        String siblingsOldVersion = Chunk.of(project, "src/A.java", "java", 30, 40, "removed on the branch").id();
        assertThat(stored.notSeenOf(java.util.List.of(chunk.id(), elsewhere.id(), siblingsOldVersion)))
                .as("what the copy brought that the job did not read again").containsExactly(siblingsOldVersion);
    }

    @Test
    void onlySixtyFourLowerCaseHexDigitsAreAKeyOfText() {
        assertThat(EmbeddingKey.isOfText(key("x"))).isTrue();
        assertThat(EmbeddingKey.isOfText(null)).isFalse();
        assertThat(EmbeddingKey.isOfText("stored:" + "a".repeat(57))).isFalse();
        assertThat(EmbeddingKey.isOfText("A".repeat(64))).isFalse();
        assertThat(EmbeddingKey.isOfText("a".repeat(63))).isFalse();
    }
}

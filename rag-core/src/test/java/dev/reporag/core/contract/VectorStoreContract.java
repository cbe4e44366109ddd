package dev.reporag.core.contract;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.reporag.core.model.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * What every {@link VectorStore} must do. Adapters extend this with a fresh, empty store of
 * {@link #dimension()} dimensions.
 */
public abstract class VectorStoreContract {
    protected VectorStore store;
    private final ProjectId alpha = ProjectId.random();
    private final ProjectId beta = ProjectId.random();

    /** A new, empty store for vectors of {@code dimension} dimensions. */
    protected abstract VectorStore createStore(int dimension);

    /**
     * The same data as the last store made, opened for another model (as another process, or this
     * one restarted with another model, would). The store it replaces may be closed by this.
     */
    protected abstract VectorStore storeForModel(EmbeddingModel model);

    protected int dimension() {
        return 16;
    }

    @BeforeEach
    void createFreshStore() {
        store = createStore(dimension());
    }

    @Test
    void upsertsByIdWithoutDuplicates() {
        Chunk chunk = chunk(alpha, "src/App.java", 1, "class App {}");
        store.upsert(List.of(new EmbeddedChunk(chunk, axis(0))));
        store.upsert(List.of(new EmbeddedChunk(chunk, axis(1))));

        assertThat(store.count(alpha)).isEqualTo(1);
        assertThat(store.chunkKeys(alpha).keySet()).containsExactly(chunk.id());
        assertThat(store.vectorSearch(alpha, axis(1), 1).get(0).score()).isGreaterThan(0.99);

        // One id twice in one batch: one chunk, the last one written.
        Chunk other = chunk(alpha, "src/Other.java", 1, "class Other {}");
        store.upsert(List.of(new EmbeddedChunk(other, axis(2)), new EmbeddedChunk(other, axis(3))));
        assertThat(store.count(alpha)).isEqualTo(2);
        assertThat(store.vectorSearch(alpha, axis(3), 1)).singleElement()
                .satisfies(hit -> assertThat(hit.chunk().id()).isEqualTo(other.id()));
    }

    @Test
    void keepsEveryFieldExactly() {
        String text = "  // naïve 日本語 \"quotes\" and\ttabs\r\n  return x;\n";
        Chunk chunk = chunk(alpha, "dir with space/Ünï.java", 7, text);
        store.upsert(List.of(new EmbeddedChunk(chunk, axis(2))));

        Chunk found = store.vectorSearch(alpha, axis(2), 1).get(0).chunk();
        assertThat(found).isEqualTo(chunk);
    }

    @Test
    void searchesOneProjectAndReturnsKEvenWhenItIsASmallShare() {
        Random random = new Random(42);
        List<EmbeddedChunk> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(new EmbeddedChunk(chunk(beta, "b/F" + i + ".java", 1, "beta " + i), randomVector(random)));
        }
        store.upsert(many);
        List<EmbeddedChunk> few = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            few.add(new EmbeddedChunk(chunk(alpha, "a/F" + i + ".java", 1, "alpha " + i), randomVector(random)));
        }
        store.upsert(few);

        List<ScoredChunk> hits = store.vectorSearch(alpha, randomVector(random), 5);

        assertThat(hits).hasSize(5);
        assertThat(hits).allSatisfy(h -> assertThat(h.chunk().projectId()).isEqualTo(alpha));
    }

    @Test
    void ranksNearestFirst() {
        store.upsert(List.of(
                new EmbeddedChunk(chunk(alpha, "far.java", 1, "far"), axis(3)),
                new EmbeddedChunk(chunk(alpha, "near.java", 1, "near"), mix(0, 0.9f, 3, 0.1f)),
                new EmbeddedChunk(chunk(alpha, "exact.java", 1, "exact"), axis(0))));

        List<ScoredChunk> hits = store.vectorSearch(alpha, axis(0), 3);

        assertThat(hits).extracting(h -> h.chunk().path()).containsExactly("exact.java", "near.java", "far.java");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(1).score()).isGreaterThan(hits.get(2).score());
    }

    @Test
    void findsIdentifiersByKeyword() {
        store.upsert(List.of(
                new EmbeddedChunk(chunk(alpha, "src/Config.java", 10,
                        "static Config parseConfigFile(Path path) {\n  return load(path);\n}"), axis(0)),
                new EmbeddedChunk(chunk(alpha, "src/Other.java", 1, "void unrelated() { return; }"), axis(1)),
                new EmbeddedChunk(chunk(beta, "src/Config.java", 10, "parseConfigFile in another project"),
                        axis(0))));

        List<ScoredChunk> hits = store.keywordSearch(alpha, "where is parseConfigFile defined?", 5);

        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).chunk().path()).isEqualTo("src/Config.java");
        assertThat(hits).allSatisfy(h -> assertThat(h.chunk().projectId()).isEqualTo(alpha));
        assertThat(store.keywordSearch(alpha, "zzzqqq", 5)).isEmpty();
    }

    /**
     * Chinese, Japanese and Korean put no spaces between words: a question's word is found inside a
     * sentence by its pairs of characters ({@code CjkPairs}), in the text and in the path.
     */
    @Test
    void findsChineseJapaneseAndKoreanWordsInsideSentences() {
        store.upsert(List.of(
                new EmbeddedChunk(chunk(alpha, "docs/async.md", 1,
                        "# async 函数\n\nES2017 标准引入了 async 函数，使得异步操作变得更加方便。"), axis(0)),
                new EmbeddedChunk(chunk(alpha, "docs/set-map.md", 1,
                        "# Set 和 Map 数据结构\n\nES6 提供了新的数据结构 Set。它类似于数组，但是成员的值都是唯一的。"), axis(1)),
                new EmbeddedChunk(chunk(alpha, "docs/ja.md", 1, "非同期処理はPromiseで書きます。"), axis(2)),
                new EmbeddedChunk(chunk(alpha, "docs/ko.md", 1, "비동기 처리는 프로미스로 작성합니다."), axis(3)),
                new EmbeddedChunk(chunk(alpha, "docs/正则的扩展.md", 1, "RegExp sticky flag"), axis(4))));

        assertThat(store.keywordSearch(alpha, "异步操作怎么写？", 5)).extracting(h -> h.chunk().path())
                .first().isEqualTo("docs/async.md");
        assertThat(store.keywordSearch(alpha, "数组成员唯一", 5)).extracting(h -> h.chunk().path())
                .first().isEqualTo("docs/set-map.md");
        assertThat(store.keywordSearch(alpha, "非同期処理", 5)).extracting(h -> h.chunk().path())
                .first().isEqualTo("docs/ja.md");
        assertThat(store.keywordSearch(alpha, "비동기", 5)).extracting(h -> h.chunk().path())
                .first().isEqualTo("docs/ko.md");
        assertThat(store.keywordSearch(alpha, "正则扩展", 5)).extracting(h -> h.chunk().path())
                .first().isEqualTo("docs/正则的扩展.md");
        assertThat(store.keywordSearch(alpha, "网络请求", 5)).as("no pair in common").isEmpty();
    }

    @Test
    void deletesByIdsPathsAndProject() {
        Chunk a1 = chunk(alpha, "a.java", 1, "one");
        Chunk a2 = chunk(alpha, "a.java", 5, "two");
        Chunk b1 = chunk(alpha, "b.java", 1, "three");
        Chunk c1 = chunk(alpha, "c.java", 1, "four");
        Chunk other = chunk(beta, "a.java", 1, "one");
        store.upsert(List.of(new EmbeddedChunk(a1, axis(0), "k-a1"), new EmbeddedChunk(a2, axis(1), "k-a2"),
                new EmbeddedChunk(b1, axis(2), "k-b1"), new EmbeddedChunk(c1, axis(3), "k-c1"),
                new EmbeddedChunk(other, axis(0), "k-a1")));

        assertThat(store.chunkKeys(alpha, List.of("a.java", "c.java"))).as("each chunk's key, by id")
                .containsOnly(entry(a1.id(), "k-a1"), entry(a2.id(), "k-a2"), entry(c1.id(), "k-c1"));
        assertThat(store.chunkKeys(alpha, List.of())).isEmpty();
        assertThat(store.chunkKeys(alpha)).as("the project's own, every path").containsOnly(entry(a1.id(), "k-a1"),
                entry(a2.id(), "k-a2"), entry(b1.id(), "k-b1"), entry(c1.id(), "k-c1"));

        store.delete(alpha, List.of(a2.id()));
        assertThat(store.chunkKeys(alpha).keySet()).containsExactlyInAnyOrder(a1.id(), b1.id(), c1.id());

        store.deletePaths(alpha, List.of("a.java", "b.java"));
        assertThat(store.chunkKeys(alpha).keySet()).containsExactly(c1.id());
        assertThat(store.chunkKeys(beta).keySet()).containsExactly(other.id());

        store.deleteProject(alpha);
        assertThat(store.count(alpha)).isZero();
        assertThat(store.count(beta)).isEqualTo(1);
    }

    @Test
    void upsertsABatchOfManyChunks() {
        Random random = new Random(7);
        List<EmbeddedChunk> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            batch.add(new EmbeddedChunk(chunk(alpha, "f" + (i % 10) + ".java", i + 1, "line " + i), randomVector(random)));
        }
        store.upsert(batch);

        Set<String> expected = batch.stream().map(c -> c.chunk().id()).collect(Collectors.toSet());
        assertThat(store.chunkKeys(alpha).keySet()).isEqualTo(expected);
        assertThat(store.count(alpha)).isEqualTo(250);
    }

    @Test
    void findsStoredKeysFromAnyProjectAndStoresChunksByKey() {
        Chunk a = chunk(alpha, "a.java", 1, "shared text");
        Chunk b = chunk(beta, "b.java", 1, "other text");
        store.upsert(List.of(new EmbeddedChunk(a, mix(0, 3, 1, 4), "key-shared"),
                new EmbeddedChunk(b, axis(2), "key-beta")));

        assertThat(store.heldKeys(List.of("key-shared", "key-beta", "key-missing")))
                .containsExactlyInAnyOrder("key-shared", "key-beta");
        assertThat(store.heldKeys(List.of())).isEmpty();

        // Beta's copy of alpha's text points at alpha's vector: no vector travels, search finds it.
        Chunk copy = chunk(beta, "copy.java", 1, "shared text");
        store.upsert(List.of(EmbeddedChunk.byKey(copy, "key-shared")));
        assertThat(store.count(beta)).isEqualTo(2);
        assertThat(store.vectorSearch(beta, mix(0, 3, 1, 4), 1)).singleElement()
                .satisfies(hit -> {
                    assertThat(hit.chunk().path()).isEqualTo("copy.java");
                    assertThat(hit.score()).isGreaterThan(0.999);
                });

        // Its words are its own: found by keyword like any chunk; a chunk sharing the key with other
        // text (a caller's own keys) is found by its words, not by those of the chunk it shares with.
        assertThat(store.keywordSearch(beta, "shared", 5)).extracting(hit -> hit.chunk().path())
                .containsExactly("copy.java");
        store.upsert(List.of(EmbeddedChunk.byKey(chunk(beta, "copy.java", 9, "different words"), "key-shared")));
        assertThat(store.keywordSearch(beta, "different", 5)).extracting(hit -> hit.chunk().startLine())
                .containsExactly(9);
        assertThat(store.keywordSearch(beta, "shared", 5)).extracting(hit -> hit.chunk().startLine())
                .containsExactly(1);
        store.delete(beta, List.of(chunk(beta, "copy.java", 9, "different words").id()));

        // A vector given by another chunk of the same batch counts as held.
        store.upsert(List.of(EmbeddedChunk.byKey(chunk(beta, "c.java", 1, "new"), "key-new"),
                new EmbeddedChunk(chunk(beta, "d.java", 1, "new"), axis(1), "key-new")));
        assertThat(store.count(beta)).isEqualTo(4);
        assertThat(store.heldKeys(List.of("key-new"))).containsExactly("key-new");

        // Alpha goes, and with it the only other chunk of key-alpha: a chunk pointing at it by key
        // fails the whole batch, naming the key, and writes nothing.
        store.upsert(List.of(new EmbeddedChunk(chunk(alpha, "own.java", 1, "own"), axis(3), "key-alpha")));
        store.deleteProject(alpha);
        Chunk late = chunk(beta, "late.java", 1, "own");
        Chunk fine = chunk(beta, "fine.java", 1, "fine");
        assertThatThrownBy(() -> store.upsert(List.of(new EmbeddedChunk(fine, axis(0), "key-fine"),
                EmbeddedChunk.byKey(late, "key-alpha"))))
                .isInstanceOfSatisfying(VectorsGoneException.class,
                        gone -> assertThat(gone.keys()).containsExactly("key-alpha"));
        assertThat(store.count(beta)).isEqualTo(4);
        assertThat(store.chunkKeys(beta).keySet()).doesNotContain(late.id(), fine.id());
        assertThat(store.heldKeys(List.of("key-fine", "key-alpha"))).isEmpty();
    }

    @Test
    void deletingAProjectFreesOnlyVectorsNoOtherProjectUses() {
        store.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "shared"), axis(0), "key-shared"),
                new EmbeddedChunk(chunk(alpha, "b.java", 1, "own"), axis(1), "key-alpha"),
                new EmbeddedChunk(chunk(alpha, "c.java", 1, "by path"), axis(3), "key-path"),
                new EmbeddedChunk(chunk(beta, "a.java", 1, "shared"), axis(0), "key-shared")));

        store.deletePaths(alpha, List.of("c.java"));
        assertThat(store.heldKeys(List.of("key-path"))).isEmpty();

        store.deleteProject(alpha);

        assertThat(store.heldKeys(List.of("key-shared", "key-alpha"))).containsExactly("key-shared");
        assertThat(store.vectorSearch(beta, axis(0), 1)).singleElement()
                .satisfies(hit -> assertThat(hit.chunk().path()).isEqualTo("a.java"));

        store.deleteProject(beta);
        assertThat(store.heldKeys(List.of("key-shared"))).isEmpty();
    }

    @Test
    void switchesAProjectToAnotherModelInOneStepAndNeverMixesDimensions() {
        EmbeddingModel first = store.model();
        store.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "class Alpha {}"), axis(0), "a-1"),
                new EmbeddedChunk(chunk(alpha, "b.java", 1, "class Beta {}"), axis(1), "a-2")));
        store.activate(alpha);
        assertThat(store.models(alpha)).isEqualTo(new ProjectModels(first, null));

        EmbeddingModel second = new EmbeddingModel("contract-other-model", dimension() * 2);
        VectorStore other = storeForModel(second);
        assertThat(other.model()).isEqualTo(second);
        float[] wide = new float[second.dimension()];
        wide[5] = 1;
        // The project answers with the first model: the second finds nothing, and fails on nothing.
        assertThat(other.vectorSearch(alpha, wide, 3)).isEmpty();
        assertThat(other.keywordSearch(alpha, "Alpha", 3)).isEmpty();
        assertThat(other.heldKeys(List.of("a-1"))).isEmpty();

        other.requestModel(alpha);
        assertThat(other.models(alpha)).isEqualTo(new ProjectModels(first, second));
        other.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "class Alpha {}"), wide, "b-1")));
        assertThat(other.count(alpha)).isEqualTo(1);
        assertThat(other.chunkKeys(alpha).keySet()).hasSize(1);
        assertThat(other.vectorSearch(alpha, wide, 3)).as("built beside, not yet answering").isEmpty();
        assertThat(other.keywordSearch(alpha, "Alpha", 3)).isEmpty();

        other.activate(alpha);

        assertThat(other.models(alpha)).isEqualTo(new ProjectModels(second, null));
        assertThat(other.vectorSearch(alpha, wide, 3)).singleElement()
                .satisfies(hit -> assertThat(hit.chunk().path()).isEqualTo("a.java"));
        assertThat(other.keywordSearch(alpha, "Alpha", 3)).hasSize(1);

        VectorStore back = storeForModel(first);
        assertThat(back.models(alpha)).isEqualTo(new ProjectModels(second, null));
        assertThat(back.count(alpha)).as("the old model's chunks are gone").isZero();
        assertThat(back.heldKeys(List.of("a-1", "a-2"))).as("and their vectors freed").isEmpty();
        assertThat(back.vectorSearch(alpha, axis(0), 3)).isEmpty();
    }

    @Test
    void aRefreshOfTheAnsweringModelKeepsAnotherModelsBuild() {
        EmbeddingModel first = store.model();
        store.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "one"), axis(0), "a-1")));
        store.activate(alpha);
        EmbeddingModel second = new EmbeddingModel("contract-other-model", dimension() + 3);
        VectorStore other = storeForModel(second);
        other.requestModel(alpha);
        other.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "one"), new float[second.dimension()], "b-1")));

        VectorStore back = storeForModel(first);
        back.activate(alpha); // a re-index with the first model completes meanwhile

        assertThat(back.models(alpha)).isEqualTo(new ProjectModels(first, second));
        assertThat(back.vectorSearch(alpha, axis(0), 1)).hasSize(1);
        assertThat(storeForModel(second).count(alpha)).isEqualTo(1);
        assertThat(storeForModel(second).models(alpha)).isEqualTo(new ProjectModels(first, second));
    }

    @Test
    void deletingAProjectRemovesItsChunksOfEveryModel() {
        EmbeddingModel first = store.model();
        store.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "one"), axis(0), "a-1")));
        store.activate(alpha);
        EmbeddingModel second = new EmbeddingModel("contract-other-model", dimension() + 1);
        VectorStore other = storeForModel(second);
        other.requestModel(alpha);
        other.upsert(List.of(new EmbeddedChunk(chunk(alpha, "a.java", 1, "one"), axis2(second), "b-1")));

        other.deleteProject(alpha);

        assertThat(other.count(alpha)).isZero();
        assertThat(other.models(alpha)).isEqualTo(ProjectModels.NONE);
        assertThat(other.heldKeys(List.of("b-1"))).isEmpty();
        VectorStore back = storeForModel(first);
        assertThat(back.count(alpha)).isZero();
        assertThat(back.heldKeys(List.of("a-1"))).isEmpty();
    }

    private static float[] axis2(EmbeddingModel model) {
        float[] v = new float[model.dimension()];
        v[0] = 1;
        return v;
    }

    @Test
    void copiesAProjectsChunksOfItsModelToAnotherUnderItsIdsWithTheSameVectors() {
        EmbeddingModel first = store.model();
        EmbeddingModel second = new EmbeddingModel("contract-other-model", dimension() + 1);
        VectorStore other = storeForModel(second);
        other.requestModel(alpha);
        other.upsert(List.of(new EmbeddedChunk(chunk(alpha, "Old.java", 1, "old"), axis2(second), "o-1")));
        store = storeForModel(first);
        Chunk a1 = chunk(alpha, "src/A.java", 1, "class Alpha { int parseConfigFile() { return 1; } }");
        Chunk a2 = chunk(alpha, "src/A.java", 2, "int second() { return 2; }");
        Chunk b = chunk(alpha, "docs/über.md", 1, "how the widget is configured");
        Chunk changed = chunk(alpha, "src/Changed.java", 1, "changed on beta's branch");
        store.upsert(List.of(new EmbeddedChunk(a1, axis(0), "k-a1"), new EmbeddedChunk(a2, axis(1), "k-a2"),
                new EmbeddedChunk(b, axis(2), "k-b"), new EmbeddedChunk(changed, axis(3), "k-changed")));
        store.activate(alpha);

        assertThat(store.copyChunks(alpha, beta)).isEqualTo(4);

        assertThat(store.chunkKeys(beta).keySet()).as("this model's only, under beta's ids")
                .containsExactlyInAnyOrder(a1.inProject(beta).id(), a2.inProject(beta).id(), b.inProject(beta).id(),
                        changed.inProject(beta).id());
        assertThat(store.count(alpha)).isEqualTo(4);
        assertThat(store.vectorSearch(beta, axis(1), 1)).singleElement().satisfies(hit -> {
            assertThat(hit.chunk()).isEqualTo(a2.inProject(beta));
            assertThat(hit.score()).isGreaterThan(0.999);
        });
        assertThat(store.keywordSearch(beta, "parseConfigFile", 5)).extracting(hit -> hit.chunk().id())
                .containsExactly(a1.inProject(beta).id());
        assertThat(store.chunkKeys(beta, List.of("src/A.java"))).as("the copies keep their keys")
                .containsOnly(entry(a1.inProject(beta).id(), "k-a1"), entry(a2.inProject(beta).id(), "k-a2"));

        // The copy is beta's own: alpha's going leaves it whole, vectors included.
        store.deleteProject(alpha);
        store.delete(beta, List.of(changed.inProject(beta).id()));
        assertThat(store.count(beta)).isEqualTo(3);
        assertThat(store.heldKeys(List.of("k-a1", "k-a2", "k-b", "k-changed"))).as("the vector no chunk holds now, freed")
                .containsExactlyInAnyOrder("k-a1", "k-a2", "k-b");
        assertThat(store.vectorSearch(beta, axis(2), 1)).singleElement()
                .satisfies(hit -> assertThat(hit.chunk()).isEqualTo(b.inProject(beta)));
        assertThat(store.copyChunks(alpha, ProjectId.random())).as("nothing left to copy").isZero();
    }

    @Test
    void emptyProjectSearchesReturnNothing() {
        assertThat(store.vectorSearch(alpha, axis(0), 10)).isEmpty();
        assertThat(store.keywordSearch(alpha, "anything", 10)).isEmpty();
        assertThat(store.chunkKeys(alpha).keySet()).isEmpty();
    }

    protected static Chunk chunk(ProjectId project, String path, int startLine, String text) {
        int lines = (int) text.chars().filter(c -> c == '\n').count();
        int endLine = startLine + Math.max(0, text.endsWith("\n") ? lines - 1 : lines);
        return Chunk.of(project, path, "java", startLine, endLine, text);
    }

    protected float[] axis(int i) {
        float[] v = new float[dimension()];
        v[i] = 1f;
        return v;
    }

    protected float[] mix(int i, float wi, int j, float wj) {
        float[] v = new float[dimension()];
        v[i] = wi;
        v[j] = wj;
        return v;
    }

    protected float[] randomVector(Random random) {
        float[] v = new float[dimension()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunks whose vector is stored already: few, large writes, a bounded number held, embedded after
 * all when their vector is freed before they are written; and the chunks to embed among them sent
 * ahead of their group.
 */
class EmbeddingBatcherTest {
    private static final int WINDOW = 8;
    private final EmbeddingDispatcher dispatcher = new EmbeddingDispatcher(new HashingEmbedder(),
            new BatchPolicy(25, 100_000, Duration.ZERO, 2),
            new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5)), RateLimits.NONE,
            null);
    private final ProjectId project = ProjectId.random();

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void reusedChunksAreWrittenInGroupsOfTheLargestSize() {
        RecordingStore store = new RecordingStore();
        EmbeddingBatcher batcher = batcher(store);
        int total = EmbeddingBatcher.MAX_GROUP + 1000;
        for (int i = 0; i < total; i++) {
            batcher.addReused(chunk(i), "text " + i, "key-" + i);
        }
        batcher.finish();

        assertThat(store.writes).containsExactly(EmbeddingBatcher.MAX_GROUP, 1000);
    }

    @Test
    void reusedChunksHeldAtOnceStayBounded() {
        // Long texts: two groups hold more characters than the bound, so the first is written
        // before the third is started, although the window would hold eight.
        String text = "x".repeat((int) (EmbeddingBatcher.MAX_HELD_CHARS / EmbeddingBatcher.MAX_GROUP) + 1);
        RecordingStore store = new RecordingStore();
        EmbeddingBatcher batcher = batcher(store);
        for (int i = 0; i < 3 * EmbeddingBatcher.MAX_GROUP; i++) {
            batcher.addReused(chunk(i), text, "key-" + i);
        }
        assertThat(store.writes).as("written before finish").isNotEmpty();
        batcher.finish();
        assertThat(store.writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3 * EmbeddingBatcher.MAX_GROUP);

        // Short texts: the window alone decides, nothing is written before finish.
        RecordingStore narrow = new RecordingStore();
        EmbeddingBatcher small = batcher(narrow);
        for (int i = 0; i < 3 * EmbeddingBatcher.MAX_GROUP; i++) {
            small.addReused(chunk(i), "text " + i, "key-" + i);
        }
        assertThat(narrow.writes).isEmpty();
        small.finish();
        assertThat(narrow.writes).hasSize(3);
    }

    @Test
    void chunksWhoseVectorWasFreedBeforeTheWriteAreEmbeddedAndWrittenAgain() {
        List<List<EmbeddedChunk>> written = new ArrayList<>();
        VectorStore store = (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("upsert")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    List<EmbeddedChunk> batch = (List<EmbeddedChunk>) args[0];
                    boolean pointsAtGone = batch.stream().anyMatch(c -> !c.hasVector() && c.key().equals("key-3"));
                    if (pointsAtGone) {
                        throw new VectorsGoneException(Set.of("key-3"));
                    }
                    written.add(List.copyOf(batch));
                    return null;
                });
        List<int[]> stored = new ArrayList<>();
        EmbeddingBatcher batcher = new EmbeddingBatcher(dispatcher, store, WINDOW, new Cancellation(),
                (chunks, embedded, bytes) -> stored.add(new int[]{chunks, embedded}));
        for (int i = 0; i < 5; i++) {
            batcher.addReused(chunk(i), "text " + i, "key-" + i);
        }
        batcher.add(chunk(5), "text 5", "key-5");
        batcher.finish();

        assertThat(written).as("the reused chunks first, then the one embedded").hasSize(2);
        assertThat(written.get(0)).hasSize(5).satisfies(batch -> {
            assertThat(batch.get(3).hasVector()).as("the freed one, embedded now").isTrue();
            assertThat(batch.get(3).vector()).isEqualTo(new HashingEmbedder().embedAll(List.of("text 3")).get(0));
            assertThat(batch.stream().filter(EmbeddedChunk::hasVector)).hasSize(1);
        });
        assertThat(written.get(1)).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo("key-5"));
        assertThat(stored).singleElement().satisfies(counts -> assertThat(counts).containsExactly(6, 2));
    }

    @Test
    void chunksToEmbedAmongReusedOnesAreSentAheadOfTheirGroup() throws InterruptedException {
        HashingEmbedder embedder = new HashingEmbedder();
        List<List<EmbeddedChunk>> written = new ArrayList<>();
        try (EmbeddingDispatcher own = dispatcherOf(embedder)) {
            EmbeddingBatcher batcher = new EmbeddingBatcher(own, writingStore(written), WINDOW, new Cancellation(),
                    (chunks, embedded, bytes) -> { });
            for (int i = 0; i < 10; i++) {
                batcher.addReused(chunk(i), "text " + i, "key-" + i);
            }
            batcher.add(chunk(10), "text 10", "key-10");
            batcher.sendAhead();
            waitFor(() -> embedder.calls() == 1);
            assertThat(written).as("the group is not full: nothing written yet").isEmpty();

            batcher.addReused(chunk(11), "text 11", "key-11");
            batcher.finish();

            assertThat(embedder.calls()).as("no request but the one sent ahead").isEqualTo(1);
            assertThat(written).hasSize(2);
            assertThat(written.get(0)).hasSize(11).noneMatch(EmbeddedChunk::hasVector);
            assertThat(written.get(1)).singleElement().satisfies(c ->
                    assertThat(c.vector()).isEqualTo(new HashingEmbedder().embedAll(List.of("text 10")).get(0)));
        }
    }

    @Test
    void aGroupMostlyReusedIsWrittenWhileItsRequestIsOut() throws InterruptedException {
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        Embedder slow = new HashingEmbedderWith(texts -> {
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new HashingEmbedder().embedAll(texts);
        });
        List<List<EmbeddedChunk>> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<int[]> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EmbeddingDispatcher own = dispatcherOf(slow)) {
            EmbeddingBatcher batcher = new EmbeddingBatcher(own, writingStore(written), WINDOW, new Cancellation(),
                    (chunks, embedded, bytes) -> stored.add(new int[]{chunks, embedded}));
            for (int i = 0; i < 10; i++) {
                batcher.addReused(chunk(i), "text " + i, "key-" + i);
            }
            batcher.add(chunk(10), "text 10", "key-10");
            batcher.fileDone(100);
            Thread finishing = new Thread(batcher::finish);
            finishing.start();
            waitFor(() -> written.size() == 1);
            assertThat(written.get(0)).as("written before the request answered").hasSize(10)
                    .noneMatch(EmbeddedChunk::hasVector);
            assertThat(stored).as("the group counts as stored once all of it is").isEmpty();

            answer.countDown();
            finishing.join(10_000);
            assertThat(written).hasSize(2);
            assertThat(written.get(1)).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo("key-10"));
            assertThat(stored).singleElement().satisfies(counts -> assertThat(counts).containsExactly(11, 1));
        }
    }

    @Test
    void aGroupMostlyToEmbedIsOneWrite() {
        RecordingStore store = new RecordingStore();
        EmbeddingBatcher batcher = batcher(store);
        batcher.addReused(chunk(0), "text 0", "key-0");
        for (int i = 1; i < 4; i++) {
            batcher.add(chunk(i), "text " + i, "key-" + i);
        }
        batcher.finish();

        assertThat(store.writes).containsExactly(4);
    }

    @Test
    void chunksToEmbedAloneWaitForAFullRequest() throws InterruptedException {
        HashingEmbedder embedder = new HashingEmbedder();
        try (EmbeddingDispatcher own = dispatcherOf(embedder)) {
            EmbeddingBatcher batcher = new EmbeddingBatcher(own, writingStore(new ArrayList<>()), WINDOW,
                    new Cancellation(), (chunks, embedded, bytes) -> { });
            for (int i = 0; i < 3; i++) {
                batcher.add(chunk(i), "text " + i, "key-" + i);
            }
            batcher.sendAhead(); // a first project's group: nothing reused, nothing to send early
            Thread.sleep(200);
            assertThat(embedder.calls()).isZero();
            batcher.finish();
            assertThat(embedder.calls()).isEqualTo(1);
        }
    }

    @Test
    void aGroupSendsAheadAtMostItsShareOfRequestsAndKeepsTheOrderOfVectors() {
        HashingEmbedder embedder = new HashingEmbedder();
        List<List<EmbeddedChunk>> written = new ArrayList<>();
        try (EmbeddingDispatcher own = dispatcherOf(embedder)) {
            EmbeddingBatcher batcher = new EmbeddingBatcher(own, writingStore(written), WINDOW, new Cancellation(),
                    (chunks, embedded, bytes) -> { });
            int rounds = EmbeddingBatcher.MAX_SENT_AHEAD + 2;
            for (int r = 0; r < rounds; r++) {
                batcher.addReused(chunk(2 * r), "text " + 2 * r, "key-" + 2 * r);
                batcher.add(chunk(2 * r + 1), "text " + (2 * r + 1), "key-" + (2 * r + 1));
                batcher.sendAhead();
            }
            batcher.finish();

            assertThat(embedder.calls()).as("four sent ahead, the last two chunks in one request")
                    .isEqualTo(EmbeddingBatcher.MAX_SENT_AHEAD + 1);
            assertThat(written).singleElement().satisfies(batch -> {
                assertThat(batch).hasSize(2 * rounds);
                for (int i = 0; i < batch.size(); i++) {
                    if (i % 2 == 0) {
                        assertThat(batch.get(i).hasVector()).isFalse();
                    } else {
                        assertThat(batch.get(i).vector()).as("chunk " + i)
                                .isEqualTo(new HashingEmbedder().embedAll(List.of("text " + i)).get(0));
                    }
                }
            });
        }
    }

    @Test
    void aBudgetReachedAfterSendingAheadStoresWhatWasSentAndNothingElse() {
        HashingEmbedder embedder = new HashingEmbedder();
        List<List<EmbeddedChunk>> written = new ArrayList<>();
        try (EmbeddingDispatcher own = dispatcherOf(embedder)) {
            String sentText = "sent ahead";
            long budget = embedder.billedTokens(sentText) + 1;
            EmbeddingBatcher batcher = new EmbeddingBatcher(own, writingStore(written), WINDOW, new Cancellation(),
                    (chunks, embedded, bytes) -> { }, budget, new StageTimes());
            batcher.addReused(chunk(0), "text 0", "key-0");
            batcher.add(chunk(1), sentText, "key-1");
            batcher.sendAhead();
            batcher.addReused(chunk(2), "text 2", "key-2");

            assertThatThrownBy(() -> batcher.add(chunk(3), "over the budget by far", "key-3"))
                    .isInstanceOf(TokenBudgetException.class);

            assertThat(written).hasSize(2);
            assertThat(written.get(0)).extracting(c -> c.key()).containsExactly("key-0", "key-2");
            assertThat(written.get(1)).singleElement().satisfies(c -> {
                assertThat(c.key()).isEqualTo("key-1");
                assertThat(c.vector()).isEqualTo(new HashingEmbedder().embedAll(List.of(sentText)).get(0));
            });
        }
    }

    private static EmbeddingDispatcher dispatcherOf(Embedder embedder) {
        return new EmbeddingDispatcher(embedder, new BatchPolicy(25, 100_000, Duration.ZERO, 2),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5)), RateLimits.NONE,
                null);
    }

    /** A store that keeps a copy of every batch written. */
    private static VectorStore writingStore(List<List<EmbeddedChunk>> written) {
        return (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("upsert")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    List<EmbeddedChunk> batch = (List<EmbeddedChunk>) args[0];
                    written.add(List.copyOf(batch));
                    return null;
                });
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private EmbeddingBatcher batcher(RecordingStore store) {
        return new EmbeddingBatcher(dispatcher, store.store, WINDOW, new Cancellation(), (chunks, embedded, bytes) -> { });
    }

    private Chunk chunk(int i) {
        return Chunk.of(project, "f" + (i / 100) + ".java", "java", i + 1, i + 1, "line " + i);
    }

    /** Counts the chunks of each write and stores nothing (wide vectors would only cost memory here). */
    private static final class RecordingStore {
        final List<Integer> writes = new ArrayList<>();
        final VectorStore store;

        @SuppressWarnings("unchecked")
        RecordingStore() {
            store = (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                    new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("upsert")) {
                            writes.add(((List<EmbeddedChunk>) args[0]).size());
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}

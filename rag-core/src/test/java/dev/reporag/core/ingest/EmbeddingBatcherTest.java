package dev.reporag.core.ingest;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunks whose vector is stored already: few, large writes, and a bounded number of vectors held. */
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
            batcher.addReused(chunk(i), "key-" + i, new float[8]);
        }
        batcher.finish();

        assertThat(store.writes).containsExactly(EmbeddingBatcher.MAX_GROUP, 1000);
    }

    @Test
    void reusedVectorsHeldAtOnceStayBounded() {
        // Wide vectors: two groups hold more floats than the bound, so the first is written before
        // the third is started, although the window would hold eight.
        int dimension = (int) (EmbeddingBatcher.MAX_HELD_FLOATS / EmbeddingBatcher.MAX_GROUP) + 1;
        RecordingStore store = new RecordingStore();
        EmbeddingBatcher batcher = batcher(store);
        float[] vector = new float[dimension];
        for (int i = 0; i < 3 * EmbeddingBatcher.MAX_GROUP; i++) {
            batcher.addReused(chunk(i), "key-" + i, vector);
        }
        assertThat(store.writes).as("written before finish").isNotEmpty();
        batcher.finish();
        assertThat(store.writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3 * EmbeddingBatcher.MAX_GROUP);

        // Narrow vectors: the window alone decides, nothing is written before finish.
        RecordingStore narrow = new RecordingStore();
        EmbeddingBatcher small = batcher(narrow);
        for (int i = 0; i < 3 * EmbeddingBatcher.MAX_GROUP; i++) {
            small.addReused(chunk(i), "key-" + i, new float[8]);
        }
        assertThat(narrow.writes).isEmpty();
        small.finish();
        assertThat(narrow.writes).hasSize(3);
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

package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Groups new chunks into embedding requests, sends up to {@code concurrency} at once with a floor
 * between starts, retries transient failures, and stores each batch's vectors. Completions are
 * taken in order, so "bytes done" only counts files whose chunks are all stored.
 */
final class EmbeddingBatcher {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingBatcher.class);

    /**
     * One request in flight. {@code state} decides, once, whether it stores its vectors or is
     * abandoned: only a request still embedding is interrupted, never one writing to the store
     * (an interrupted NIO write closes the channel, and with it a Lucene index or a pack file).
     */
    private record Pending(Future<?> future, int chunks, long[] bytes, AtomicInteger state) {
    }

    private static final int EMBEDDING = 0;
    private static final int STORING = 1;
    private static final int ABANDONED = 2;

    interface Completion {
        void batchStored(int chunks, long bytesDone);
    }

    private final Embedder embedder;
    private final VectorStore store;
    private final BatchPolicy policy;
    private final RetryPolicy retry;
    private final ExecutorService executor;
    private final Cancellation cancellation;
    private final Completion completion;
    private final Deque<Pending> inFlight = new ArrayDeque<>();

    private List<Chunk> chunks = new ArrayList<>();
    private List<String> texts = new ArrayList<>();
    private long tokens;
    private long bufferBytes;
    private long lastStartNanos;

    EmbeddingBatcher(Embedder embedder, VectorStore store, BatchPolicy policy, RetryPolicy retry,
                     ExecutorService executor, Cancellation cancellation, Completion completion) {
        this.embedder = embedder;
        this.store = store;
        this.policy = policy;
        this.retry = retry;
        this.executor = executor;
        this.cancellation = cancellation;
        this.completion = completion;
    }

    void add(Chunk chunk, String embedText) {
        int estimate = BatchPolicy.estimateTokens(embedText);
        if (!policy.canAdd(chunks.size(), tokens, estimate)) {
            submit();
        }
        chunks.add(chunk);
        texts.add(embedText);
        tokens += estimate;
    }

    /** A file's chunks have all been added: its bytes count as done once they are stored. */
    void fileDone(long bytes) {
        if (!chunks.isEmpty()) {
            bufferBytes += bytes;
        } else if (!inFlight.isEmpty()) {
            inFlight.peekLast().bytes()[0] += bytes;
        } else {
            completion.batchStored(0, bytes);
        }
    }

    /** Sends what is buffered and waits for every request. */
    void finish() {
        if (!chunks.isEmpty()) {
            submit();
        }
        while (!inFlight.isEmpty()) {
            awaitOldest();
        }
    }

    /**
     * Stops waiting. Requests still embedding are interrupted and store nothing; a store write
     * already under way ends on its own (an idempotent upsert).
     */
    void abandon() {
        for (Pending pending : inFlight) {
            pending.future().cancel(pending.state().compareAndSet(EMBEDDING, ABANDONED));
        }
        inFlight.clear();
    }

    private void submit() {
        while (inFlight.size() >= policy.concurrency()) {
            awaitOldest();
        }
        cancellation.throwIfCancelled();
        long floor = policy.minDelay().toNanos();
        if (floor > 0 && lastStartNanos != 0) {
            long wait = lastStartNanos + floor - System.nanoTime();
            if (wait > 0) {
                cancellation.sleep(java.time.Duration.ofNanos(wait));
            }
        }
        lastStartNanos = System.nanoTime();
        List<Chunk> batch = chunks;
        List<String> batchTexts = texts;
        chunks = new ArrayList<>();
        texts = new ArrayList<>();
        tokens = 0;
        long[] bytes = {bufferBytes};
        bufferBytes = 0;
        AtomicInteger state = new AtomicInteger(EMBEDDING);
        inFlight.addLast(new Pending(executor.submit(() -> embedAndStore(batch, batchTexts, state)), batch.size(),
                bytes, state));
    }

    private void awaitOldest() {
        Pending oldest = inFlight.peekFirst();
        try {
            oldest.future().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancellation.cancel();
            throw new Cancellation.CancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
        inFlight.removeFirst();
        completion.batchStored(oldest.chunks(), oldest.bytes()[0]);
    }

    private Void embedAndStore(List<Chunk> batch, List<String> batchTexts, AtomicInteger state) {
        List<float[]> vectors = embedWithRetry(batchTexts);
        if (vectors.size() != batch.size()) {
            throw new RagException("the embedding model returned " + vectors.size() + " vectors for "
                    + batch.size() + " inputs");
        }
        List<EmbeddedChunk> embedded = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            embedded.add(new EmbeddedChunk(batch.get(i), vectors.get(i)));
        }
        cancellation.throwIfCancelled();
        if (!state.compareAndSet(EMBEDDING, STORING)) {
            throw new Cancellation.CancelledException();
        }
        store.upsert(embedded);
        return null;
    }

    private List<float[]> embedWithRetry(List<String> batchTexts) {
        int failures = 0;
        while (true) {
            cancellation.throwIfCancelled();
            try {
                return embedder.embedAll(batchTexts);
            } catch (EmbeddingException e) {
                failures++;
                if (!e.retryable()) {
                    throw e;
                }
                if (!retry.allowsRetry(failures)) {
                    throw new EmbeddingException("embedding failed " + failures + " times in a row; last error: "
                            + e.getMessage(), false, null, e);
                }
                java.time.Duration wait = retry.delay(failures, e.retryAfter(), ThreadLocalRandom.current().nextDouble());
                log.warn("embedding request failed ({}); retry {} in {} ms", e.getMessage(), failures, wait.toMillis());
                cancellation.sleep(wait);
            }
        }
    }
}

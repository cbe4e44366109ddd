package dev.reporag.core.ingest;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One job's side of embedding: groups its new chunks into requests of the dispatcher's shape, hands
 * them to the process's {@link EmbeddingDispatcher} (which paces, sends and retries), and stores
 * each request's vectors on the job thread, oldest first, so "bytes done" only counts files whose
 * chunks are all stored. At most {@code window} requests of the job are queued or in flight.
 */
final class EmbeddingBatcher {
    /** How often a job thread waiting for vectors looks at its cancellation. */
    private static final long POLL_MILLIS = 100;

    private record Pending(Future<List<float[]>> vectors, List<Chunk> chunks, long[] bytes) {
    }

    interface Completion {
        void batchStored(int chunks, long bytesDone);
    }

    private final EmbeddingDispatcher dispatcher;
    private final VectorStore store;
    private final int window;
    private final Cancellation cancellation;
    private final Completion completion;
    private final Deque<Pending> inFlight = new ArrayDeque<>();

    private List<Chunk> chunks = new ArrayList<>();
    private List<String> texts = new ArrayList<>();
    private long tokens;
    private long bufferBytes;
    /** The most tokens (as billed) the job may embed, 0 for no limit; and those it has handed out. */
    private final long maxTokens;
    private long spent;
    /** Of those, the ones buffered and not yet sent. */
    private long buffered;

    EmbeddingBatcher(EmbeddingDispatcher dispatcher, VectorStore store, int window, Cancellation cancellation,
                     Completion completion) {
        this(dispatcher, store, window, cancellation, completion, 0);
    }

    /** @param maxTokens the job's budget of tokens as the provider bills them; 0 for none */
    EmbeddingBatcher(EmbeddingDispatcher dispatcher, VectorStore store, int window, Cancellation cancellation,
                     Completion completion, long maxTokens) {
        this.maxTokens = maxTokens;
        this.dispatcher = dispatcher;
        this.store = store;
        this.window = window;
        this.cancellation = cancellation;
        this.completion = completion;
    }

    /**
     * @throws TokenBudgetException before a text over the job's budget is handed out: what was sent
     *                              stays stored, and nothing more is sent
     */
    void add(Chunk chunk, String embedText) {
        if (maxTokens > 0) {
            long billed = dispatcher.embedder().billedTokens(embedText);
            if (spent + billed > maxTokens) {
                // What was sent is paid for: store it. What is only buffered was never sent.
                chunks = new ArrayList<>();
                texts = new ArrayList<>();
                tokens = 0;
                long sent = spent - buffered;
                while (!inFlight.isEmpty()) {
                    storeOldest();
                }
                throw new TokenBudgetException(maxTokens, sent);
            }
            buffered += billed;
            spent += billed;
        }
        long next = dispatcher.countTokens(embedText);
        if (!dispatcher.fits(chunks.size(), tokens, next)) {
            submit();
        }
        chunks.add(chunk);
        texts.add(embedText);
        tokens += next;
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

    /** Sends what is buffered and stores every request's vectors. */
    void finish() {
        if (!chunks.isEmpty()) {
            submit();
        }
        while (!inFlight.isEmpty()) {
            storeOldest();
        }
    }

    /** Stops waiting: requests still queued or in flight are dropped and store nothing. */
    void abandon() {
        inFlight.forEach(pending -> pending.vectors().cancel(true));
        inFlight.clear();
    }

    private void submit() {
        while (inFlight.size() >= window) {
            storeOldest();
        }
        cancellation.throwIfCancelled();
        inFlight.addLast(new Pending(dispatcher.submit(texts), chunks, new long[]{bufferBytes}));
        buffered = 0;
        chunks = new ArrayList<>();
        texts = new ArrayList<>();
        tokens = 0;
        bufferBytes = 0;
    }

    private void storeOldest() {
        Pending oldest = inFlight.peekFirst();
        List<float[]> vectors = await(oldest.vectors());
        List<EmbeddedChunk> embedded = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            embedded.add(new EmbeddedChunk(oldest.chunks().get(i), vectors.get(i)));
        }
        cancellation.throwIfCancelled();
        store.upsert(embedded);
        inFlight.removeFirst();
        completion.batchStored(embedded.size(), oldest.bytes()[0]);
    }

    /** The request's vectors; a cancelled job stops waiting within {@link #POLL_MILLIS}. */
    private List<float[]> await(Future<List<float[]>> vectors) {
        while (true) {
            cancellation.throwIfCancelled();
            try {
                return vectors.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // look at the cancellation again
            } catch (CancellationException e) {
                // The dispatcher is shutting down: the job is given back, not failed.
                cancellation.cancel();
                throw new Cancellation.CancelledException();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancellation.cancel();
                throw new Cancellation.CancelledException();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new RagException("embedding failed unexpectedly (" + e.getCause().getClass().getSimpleName()
                        + ")");
            }
        }
    }
}

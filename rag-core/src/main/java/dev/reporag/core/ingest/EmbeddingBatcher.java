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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One job's side of embedding: groups its new chunks into requests of the dispatcher's shape, hands
 * them to the process's {@link EmbeddingDispatcher} (which paces, sends and retries), and stores
 * each request's vectors on the job thread, oldest first, so "bytes done" only counts files whose
 * chunks are all stored. At most {@code window} requests of the job are queued or in flight.
 *
 * <p>Chunks whose vector the store already holds under their key (found by the {@link ReuseStep})
 * ride in the same groups with their vector and are not sent: a group of only those is stored
 * without a request, at most {@link #MAX_GROUP} chunks per write, and the reused vectors held at
 * once are bounded by {@link #MAX_HELD_FLOATS}.
 */
final class EmbeddingBatcher {
    /** How often a job thread waiting for vectors looks at its cancellation. */
    private static final long POLL_MILLIS = 100;

    /**
     * The most chunks stored in one write, reused ones included. A write is a commit (the embedded
     * store's flushes a segment and syncs it): a second project of an indexed repository, all
     * reused, was written 512 at a time in 7 commits, most of its time; 2,048 makes it 2.
     */
    static final int MAX_GROUP = 2048;
    /**
     * The most floats of reused vectors held in groups not stored yet (16 MB): groups of only reused
     * chunks need no request, so without this the window would hold up to its size of them.
     */
    static final long MAX_HELD_FLOATS = 1L << 22;

    /** @param floats of the reused vectors in the group, counted in {@link #heldFloats} until it is stored */
    private record Pending(Future<List<float[]>> vectors, List<Chunk> chunks, List<String> keys, int embedded,
                           long[] bytes, long floats) {
    }

    interface Completion {
        /** @param chunks stored now, of which {@code embedded} were embedded (the others reused) */
        void batchStored(int chunks, int embedded, long bytesDone);
    }

    private final EmbeddingDispatcher dispatcher;
    private final VectorStore store;
    private final int window;
    private final Cancellation cancellation;
    private final Completion completion;
    private final Deque<Pending> inFlight = new ArrayDeque<>();
    private final StageTimes times;

    private List<Chunk> chunks = new ArrayList<>();
    private List<String> keys = new ArrayList<>();
    /** Per chunk of the group: its stored vector, or null when it is to be embedded. */
    private List<float[]> reused = new ArrayList<>();
    private List<String> texts = new ArrayList<>();
    private long tokens;
    private long bufferBytes;
    /** Floats of the reused vectors buffered, and of those buffered or in flight. */
    private long bufferFloats;
    private long heldFloats;
    /** The most tokens (as billed) the job may embed, 0 for no limit; and those it has handed out. */
    private final long maxTokens;
    private long spent;
    /** Of those, the ones buffered and not yet sent. */
    private long buffered;

    EmbeddingBatcher(EmbeddingDispatcher dispatcher, VectorStore store, int window, Cancellation cancellation,
                     Completion completion) {
        this(dispatcher, store, window, cancellation, completion, 0, new StageTimes());
    }

    /**
     * @param maxTokens the job's budget of tokens as the provider bills them; 0 for none
     * @param times     where the time waiting for vectors and writing them is added up
     */
    EmbeddingBatcher(EmbeddingDispatcher dispatcher, VectorStore store, int window, Cancellation cancellation,
                     Completion completion, long maxTokens, StageTimes times) {
        this.maxTokens = maxTokens;
        this.times = times;
        this.dispatcher = dispatcher;
        this.store = store;
        this.window = window;
        this.cancellation = cancellation;
        this.completion = completion;
    }

    /**
     * A chunk to embed, and the key its vector is stored under.
     *
     * @throws TokenBudgetException before a text over the job's budget is handed out: what was sent
     *                              stays stored, and nothing more is sent
     */
    void add(Chunk chunk, String embedText, String key) {
        if (maxTokens > 0) {
            long billed = dispatcher.embedder().billedTokens(embedText);
            if (spent + billed > maxTokens) {
                // What was sent is paid for: store it. What is only buffered was never sent.
                chunks = new ArrayList<>();
                keys = new ArrayList<>();
                reused = new ArrayList<>();
                texts = new ArrayList<>();
                tokens = 0;
                heldFloats -= bufferFloats;
                bufferFloats = 0;
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
        if (!dispatcher.fits(texts.size(), tokens, next) || chunks.size() >= MAX_GROUP) {
            submit();
        }
        chunks.add(chunk);
        keys.add(key);
        reused.add(null);
        texts.add(embedText);
        tokens += next;
    }

    /** A chunk whose vector the store holds already under {@code key}: stored in turn, not sent. */
    void addReused(Chunk chunk, String key, float[] vector) {
        if (chunks.size() >= MAX_GROUP) {
            submit();
        }
        chunks.add(chunk);
        keys.add(key);
        reused.add(vector);
        bufferFloats += vector.length;
        heldFloats += vector.length;
    }

    /** A file's chunks have all been added: its bytes count as done once they are stored. */
    void fileDone(long bytes) {
        if (!chunks.isEmpty()) {
            bufferBytes += bytes;
        } else if (!inFlight.isEmpty()) {
            inFlight.peekLast().bytes()[0] += bytes;
        } else {
            completion.batchStored(0, 0, bytes);
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
        while (!inFlight.isEmpty() && (inFlight.size() >= window || heldFloats > MAX_HELD_FLOATS)) {
            storeOldest();
        }
        cancellation.throwIfCancelled();
        List<float[]> known = reused;
        Future<List<float[]>> vectors = texts.isEmpty() ? CompletableFuture.completedFuture(known)
                : merged(dispatcher.submit(texts), known);
        inFlight.addLast(new Pending(vectors, chunks, keys, texts.size(), new long[]{bufferBytes}, bufferFloats));
        buffered = 0;
        chunks = new ArrayList<>();
        keys = new ArrayList<>();
        reused = new ArrayList<>();
        texts = new ArrayList<>();
        tokens = 0;
        bufferBytes = 0;
        bufferFloats = 0;
    }

    /** The embedded vectors put in the places of the group left null by the reused ones. */
    private static Future<List<float[]>> merged(Future<List<float[]>> embedded, List<float[]> known) {
        return new Future<>() {
            @Override
            public boolean cancel(boolean mayInterrupt) {
                return embedded.cancel(mayInterrupt);
            }

            @Override
            public boolean isCancelled() {
                return embedded.isCancelled();
            }

            @Override
            public boolean isDone() {
                return embedded.isDone();
            }

            @Override
            public List<float[]> get() throws InterruptedException, ExecutionException {
                return merge(embedded.get());
            }

            @Override
            public List<float[]> get(long timeout, TimeUnit unit)
                    throws InterruptedException, ExecutionException, TimeoutException {
                return merge(embedded.get(timeout, unit));
            }

            private List<float[]> merge(List<float[]> fresh) {
                List<float[]> all = new ArrayList<>(known.size());
                int next = 0;
                for (float[] vector : known) {
                    all.add(vector != null ? vector : fresh.get(next++));
                }
                return all;
            }
        };
    }

    private void storeOldest() {
        Pending oldest = inFlight.peekFirst();
        List<float[]> vectors = times.time(StageTimes.Stage.EMBED, () -> await(oldest.vectors()));
        List<EmbeddedChunk> embedded = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            embedded.add(new EmbeddedChunk(oldest.chunks().get(i), vectors.get(i), oldest.keys().get(i)));
        }
        cancellation.throwIfCancelled();
        times.time(StageTimes.Stage.STORE, () -> store.upsert(embedded));
        inFlight.removeFirst();
        heldFloats -= oldest.floats();
        completion.batchStored(embedded.size(), oldest.embedded(), oldest.bytes()[0]);
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
                throw new RagException("embedding failed unexpectedly (" + dev.reporag.core.policy.ErrorWords.of(e.getCause())
                        + ")");
            }
        }
    }
}

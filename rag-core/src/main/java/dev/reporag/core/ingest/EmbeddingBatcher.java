package dev.reporag.core.ingest;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Set;
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
 *
 * <p>Chunks whose vector the store already holds under their key (found by the {@link ReuseStep})
 * ride in the same groups and are not sent: they are stored {@link EmbeddedChunk#byKey by key}. A
 * group of only those is stored without a request, at most {@link #MAX_GROUP} chunks per write, and
 * the reused chunks held at once are bounded by {@link #MAX_HELD_CHARS}. Their texts are kept until
 * they are stored: should a vector be freed meanwhile (its last other project deleted), those
 * chunks are embedded then, and the write made again. The few chunks to embed in such a group are
 * {@link #sendAhead sent ahead} of it, and its reused chunks are written while they are out; the
 * group counts as stored once both writes are done.
 */
final class EmbeddingBatcher {
    /** How often a job thread waiting for vectors looks at its cancellation. */
    private static final long POLL_MILLIS = 100;
    /** Writes of one group tried while vectors it points at keep being freed under it. */
    private static final int GONE_ATTEMPTS = 3;

    /**
     * The most chunks stored in one write, reused ones included. A write is a commit (the embedded
     * store's flushes a segment and syncs it): a second project of an indexed repository, all
     * reused, was written 512 at a time in 7 commits, most of its time; 2,048 makes it 2.
     */
    static final int MAX_GROUP = 2048;
    /**
     * The most characters of reused chunks' texts held in groups not stored yet (about 8 MB): groups
     * of only reused chunks need no request, so without this the window would hold up to its size
     * of them.
     */
    static final long MAX_HELD_CHARS = 1L << 23;
    /**
     * Requests sent ahead of one group at most: a group of 2,048 chunks may see a key lookup every
     * eight files, and one small request for each would spend a rate limit's requests per minute.
     */
    static final int MAX_SENT_AHEAD = 4;

    /**
     * A group handed to the dispatcher: the vectors of its requests, in order, are those of the
     * chunks not {@code reused}, in order. {@code chars} of reused texts are counted in
     * {@link #heldChars} until it is stored.
     */
    private record Pending(List<Future<List<float[]>>> requests, List<Chunk> chunks, List<String> keys,
                           List<String> texts, BitSet reused, int embedded, long[] bytes, long chars) {

        /** The group as written: the embedded chunks with their vectors, the reused ones by key. */
        List<EmbeddedChunk> batch(List<float[]> fresh) {
            List<EmbeddedChunk> batch = new ArrayList<>(chunks.size());
            int next = 0;
            for (int i = 0; i < chunks.size(); i++) {
                batch.add(reused.get(i) ? EmbeddedChunk.byKey(chunks.get(i), keys.get(i))
                        : new EmbeddedChunk(chunks.get(i), fresh.get(next++), keys.get(i)));
            }
            return batch;
        }

        /**
         * Whether the reused chunks are written first, while the requests are out: a group of a
         * second branch of an indexed repository is mostly reused chunks and waited for its few
         * changed ones' request before writing any. A group mostly to embed (a first project's)
         * stays one write: splitting it would add a commit for little.
         */
        boolean writesReusedFirst() {
            return embedded > 0 && reused.cardinality() > embedded;
        }

        /** The reused chunks of the group, by key, in order. */
        List<EmbeddedChunk> reusedPart() {
            List<EmbeddedChunk> part = new ArrayList<>(reused.cardinality());
            reused.stream().forEach(i -> part.add(EmbeddedChunk.byKey(chunks.get(i), keys.get(i))));
            return part;
        }

        /** The texts of the reused chunks, in order. */
        List<String> reusedTexts() {
            List<String> part = new ArrayList<>(reused.cardinality());
            reused.stream().forEach(i -> part.add(texts.get(i)));
            return part;
        }

        /** The embedded chunks of the group with their vectors, in order. */
        List<EmbeddedChunk> embeddedPart(List<float[]> fresh) {
            List<EmbeddedChunk> part = new ArrayList<>(embedded);
            int next = 0;
            for (int i = reused.nextClearBit(0); i < chunks.size(); i = reused.nextClearBit(i + 1)) {
                part.add(new EmbeddedChunk(chunks.get(i), fresh.get(next++), keys.get(i)));
            }
            return part;
        }
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
    /** Per chunk of the group: the text it is (or was) embedded as. */
    private List<String> texts = new ArrayList<>();
    /** Chunks of the group whose vector the store holds. */
    private BitSet reused = new BitSet();
    /** The texts of the group to send. */
    private List<String> toSend = new ArrayList<>();
    /** Requests of the group sent ahead of it, in order, and the chunks of the group when the last left. */
    private List<Future<List<float[]>>> sentAhead = new ArrayList<>();
    private int sentThrough;
    private long tokens;
    private long bufferBytes;
    /** Characters of the reused chunks' texts buffered, and of those buffered or in flight. */
    private long bufferChars;
    private long heldChars;
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
                long sent = spent - buffered;
                if (sentAhead.isEmpty()) {
                    heldChars -= bufferChars;
                    clearBuffer();
                } else {
                    dropUnsent();
                    submit();
                }
                while (!inFlight.isEmpty()) {
                    storeOldest();
                }
                throw new TokenBudgetException(maxTokens, sent);
            }
            buffered += billed;
            spent += billed;
        }
        long next = dispatcher.countTokens(embedText);
        if (!dispatcher.fits(toSend.size(), tokens, next) || chunks.size() >= MAX_GROUP) {
            submit();
        }
        append(chunk, embedText, key);
        toSend.add(embedText);
        tokens += next;
    }

    /**
     * The end of a key lookup: if the group holds reused chunks, its chunks to embed are sent now.
     * Otherwise they would wait until the group is full, which reused chunks fill without any
     * request, and the write of the group would then wait for their vectors: a second project of an
     * indexed repository waited a whole request's time for its few changed chunks. A group of chunks
     * to embed only is sent when its request is full, as before.
     */
    void sendAhead() {
        if (toSend.isEmpty() || reused.isEmpty() || sentAhead.size() >= MAX_SENT_AHEAD) {
            return;
        }
        cancellation.throwIfCancelled();
        sentAhead.add(dispatcher.submit(toSend));
        sentThrough = chunks.size();
        toSend = new ArrayList<>();
        tokens = 0;
        buffered = 0;
    }

    /**
     * Leaves out of the group the chunks to embed not sent yet (a budget reached): only sent ones are
     * paid for. Those are the ones not reused after the last request sent ahead.
     */
    private void dropUnsent() {
        List<Chunk> keptChunks = new ArrayList<>();
        List<String> keptKeys = new ArrayList<>();
        List<String> keptTexts = new ArrayList<>();
        BitSet keptReused = new BitSet();
        for (int i = 0; i < chunks.size(); i++) {
            if (i >= sentThrough && !reused.get(i)) {
                continue;
            }
            if (reused.get(i)) {
                keptReused.set(keptChunks.size());
            }
            keptChunks.add(chunks.get(i));
            keptKeys.add(keys.get(i));
            keptTexts.add(texts.get(i));
        }
        chunks = keptChunks;
        keys = keptKeys;
        texts = keptTexts;
        reused = keptReused;
        toSend = new ArrayList<>();
        tokens = 0;
        bufferBytes = 0; // files of the group may have lost chunks: none counts as done
    }

    /** A chunk whose vector the store holds already under {@code key}: stored in turn by key, not sent. */
    void addReused(Chunk chunk, String embedText, String key) {
        if (chunks.size() >= MAX_GROUP) {
            submit();
        }
        reused.set(chunks.size());
        append(chunk, embedText, key);
        bufferChars += embedText.length();
        heldChars += embedText.length();
    }

    private void append(Chunk chunk, String embedText, String key) {
        chunks.add(chunk);
        keys.add(key);
        texts.add(embedText);
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
        inFlight.forEach(pending -> pending.requests().forEach(request -> request.cancel(true)));
        inFlight.clear();
        sentAhead.forEach(request -> request.cancel(true));
        sentAhead = new ArrayList<>();
    }

    private void submit() {
        while (!inFlight.isEmpty() && (inFlight.size() >= window || heldChars > MAX_HELD_CHARS)) {
            storeOldest();
        }
        cancellation.throwIfCancelled();
        List<Future<List<float[]>>> requests = new ArrayList<>(sentAhead);
        if (!toSend.isEmpty()) {
            requests.add(dispatcher.submit(toSend));
        }
        inFlight.addLast(new Pending(requests, chunks, keys, texts, reused, chunks.size() - reused.cardinality(),
                new long[]{bufferBytes}, bufferChars));
        buffered = 0;
        clearBuffer();
    }

    private void clearBuffer() {
        chunks = new ArrayList<>();
        keys = new ArrayList<>();
        texts = new ArrayList<>();
        reused = new BitSet();
        toSend = new ArrayList<>();
        sentAhead = new ArrayList<>();
        sentThrough = 0;
        tokens = 0;
        bufferBytes = 0;
        bufferChars = 0;
    }

    private void storeOldest() {
        Pending oldest = inFlight.peekFirst();
        int embedded = oldest.embedded();
        if (oldest.writesReusedFirst()) {
            embedded += write(oldest.reusedPart(), oldest.reusedTexts());
            List<float[]> fresh = times.time(StageTimes.Stage.EMBED, () -> awaitAll(oldest.requests()));
            embedded += write(oldest.embeddedPart(fresh), List.of());
        } else {
            List<float[]> fresh = times.time(StageTimes.Stage.EMBED, () -> awaitAll(oldest.requests()));
            embedded += write(oldest.batch(fresh), oldest.texts());
        }
        inFlight.removeFirst();
        heldChars -= oldest.chars();
        completion.batchStored(oldest.chunks().size(), embedded, oldest.bytes()[0]);
    }

    /**
     * Writes the batch, embedding in place its chunks whose vector was freed since it was looked up;
     * returns how many were. {@code texts} are those of the batch's chunks, in order.
     */
    private int write(List<EmbeddedChunk> batch, List<String> texts) {
        int embedded = 0;
        for (int attempt = 1; ; attempt++) {
            cancellation.throwIfCancelled();
            try {
                times.time(StageTimes.Stage.STORE, () -> store.upsert(batch));
                return embedded;
            } catch (VectorsGoneException gone) {
                if (attempt >= GONE_ATTEMPTS) {
                    throw gone;
                }
                embedded += embedGone(batch, texts, gone.keys());
            }
        }
    }

    /**
     * The chunks of the batch stored by a key whose vector was freed since it was looked up get
     * their vector now, in place (outside the job's token budget: a rare race costs a few chunks).
     * Returns how many were embedded.
     */
    private int embedGone(List<EmbeddedChunk> batch, List<String> groupTexts, Set<String> goneKeys) {
        List<Integer> places = new ArrayList<>();
        List<String> again = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!batch.get(i).hasVector() && goneKeys.contains(batch.get(i).key())) {
                places.add(i);
                again.add(groupTexts.get(i));
            }
        }
        if (again.isEmpty()) {
            throw new VectorsGoneException(goneKeys); // the store named keys this batch does not point at
        }
        List<float[]> vectors = times.time(StageTimes.Stage.EMBED, () -> dispatcher.embedAll(again));
        for (int j = 0; j < places.size(); j++) {
            EmbeddedChunk byKey = batch.get(places.get(j));
            batch.set(places.get(j), new EmbeddedChunk(byKey.chunk(), vectors.get(j), byKey.key()));
        }
        return again.size();
    }

    /** The vectors of the requests, in order. */
    private List<float[]> awaitAll(List<Future<List<float[]>>> requests) {
        List<float[]> vectors = new ArrayList<>();
        for (Future<List<float[]>> request : requests) {
            vectors.addAll(await(request));
        }
        return vectors;
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

package dev.reporag.core.memory;

import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic, fast test embedder: each term is hashed into a bucket of the vector, so texts
 * that share words are near each other. It counts calls and can be told to fail, for tests of
 * retries and resume.
 */
public final class HashingEmbedder implements Embedder {
    private final int dimension;
    private final int maxInputChars;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong inputs = new AtomicLong();
    private volatile int failAfterCalls = -1;
    private volatile int failUntilCall = Integer.MAX_VALUE;
    private volatile EmbeddingException failure;

    public HashingEmbedder() {
        this(64, 4000);
    }

    public HashingEmbedder(int dimension, int maxInputChars) {
        this.dimension = dimension;
        this.maxInputChars = maxInputChars;
    }

    @Override
    public String modelId() {
        return "hashing-" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxInputChars() {
        return maxInputChars;
    }

    /** After {@code calls} more calls, every call throws {@code failure}. */
    public void failAfter(int calls, EmbeddingException failure) {
        failAfter(calls, Integer.MAX_VALUE, failure);
    }

    /** After {@code calls} more calls, the next {@code failing} calls throw {@code failure}. */
    public synchronized void failAfter(int calls, int failing, EmbeddingException failure) {
        this.failure = failure;
        int start = this.calls.get() + calls;
        this.failUntilCall = failing == Integer.MAX_VALUE ? Integer.MAX_VALUE : start + failing;
        this.failAfterCalls = start;
    }

    public void stopFailing() {
        this.failAfterCalls = -1;
    }

    /** Successful and failed calls so far. */
    public int calls() {
        return calls.get();
    }

    /** Texts embedded successfully so far. */
    public long inputs() {
        return inputs.get();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        int call = calls.getAndIncrement();
        int limit = failAfterCalls;
        if (limit >= 0 && call >= limit && call < failUntilCall) {
            throw failure;
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(embed(text));
        }
        inputs.addAndGet(texts.size());
        return vectors;
    }

    private float[] embed(String text) {
        float[] vector = new float[dimension];
        for (String term : KeywordTerms.of(text)) {
            int h = murmur(term.getBytes(StandardCharsets.UTF_8));
            vector[Math.floorMod(h, dimension)] += (h & 0x100) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        if (norm == 0) {
            vector[0] = 1f;
            return vector;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimension; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static int murmur(byte[] data) {
        int h = 0x9747b28c;
        for (byte b : data) {
            h ^= b;
            h *= 0x5bd1e995;
            h ^= h >>> 15;
        }
        return h;
    }
}

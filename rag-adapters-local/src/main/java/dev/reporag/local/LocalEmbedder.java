package dev.reporag.local;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.Embedder;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Embeds text in this process with an ONNX model from a LangChain4j artifact ({@link LocalModel}).
 *
 * <p>Two things differ from LangChain4j's own {@code embedAll}, and both are measured in
 * docs/benchmarks/rag-adapters-local.md:
 * <ul>
 *   <li><b>Windows</b>: the MiniLM tokenizer LangChain4j ships cuts every input after 128 word
 *   pieces, about 400 characters of code, so most of a 1,000-character chunk was never seen. Here a
 *   long input is split into windows of at most {@code windowTokens} word pieces, each window is
 *   embedded, and the text's vector is the token-weighted mean of its windows.</li>
 *   <li><b>Batches</b>: windows of all texts in a call are sorted by length and run through ONNX
 *   Runtime as padded batches, several batches side by side, instead of one model call per text.</li>
 * </ul>
 * Thread-safe; close it to free the native session.
 */
public final class LocalEmbedder implements Embedder, AutoCloseable {
    /** Inputs longer than this are still read in full, but the core should not make chunks longer. */
    public static final int DEFAULT_MAX_INPUT_CHARS = 4000;

    private final LocalModel model;
    private final int windowTokens;
    private final int batchSize;
    private final int maxInputChars;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTokenTypes;
    private final ExecutorService pool;
    private final int threads;
    private final long clsId;
    private final long sepId;

    private LocalEmbedder(Builder b) {
        this.model = b.model;
        this.windowTokens = b.windowTokens == 0 ? model.maxTokens() : b.windowTokens;
        this.batchSize = b.batchSize == 0 ? defaultBatchSize(model) : b.batchSize;
        this.maxInputChars = b.maxInputChars;
        DjlCache.configure(b.nativeCacheDir);
        try {
            environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                // One thread per call and calls side by side: no barrier inside a call waits for a
                // thread the OS has descheduled, which made multi-threaded calls erratic on a busy host.
                options.setIntraOpNumThreads(1);
                session = environment.createSession(resource(model.modelResource()), options);
            }
            Map<String, String> tokenizerOptions = Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", "true");
            try (InputStream json = stream(model.tokenizerResource())) {
                tokenizer = HuggingFaceTokenizer.newInstance(json, tokenizerOptions);
            }
        } catch (OrtException | IOException e) {
            throw new EmbeddingException("cannot load the local embedding model " + model.id() + ": "
                    + e.getMessage(), false, null, e);
        }
        wantsTokenTypes = session.getInputNames().contains("token_type_ids");
        threads = b.threads;
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "local-embedder");
            thread.setDaemon(true);
            return thread;
        });
        long[] specials = tokenizer.encode("").getIds();
        clsId = specials[0];
        sepId = specials[specials.length - 1];
    }

    /** The default model and settings. */
    public static LocalEmbedder create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public int maxInputChars() {
        return maxInputChars;
    }

    public LocalModel model() {
        return model;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Window> windows = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            windows.addAll(windows(t, texts.get(t)));
        }
        // Similar lengths in one batch waste little on padding.
        windows.sort(Comparator.comparingInt(w -> w.ids.length));
        List<List<Window>> batches = batches(windows, batchSize, threads);
        List<Future<float[][]>> runs = new ArrayList<>();
        for (List<Window> batch : batches) {
            runs.add(pool.submit(() -> run(batch)));
        }
        float[][] sums = new float[texts.size()][model.dimension()];
        for (int b = 0; b < batches.size(); b++) {
            List<Window> batch = batches.get(b);
            float[][] vectors = result(runs.get(b));
            for (int i = 0; i < batch.size(); i++) {
                Window window = batch.get(i);
                float weight = window.ids.length - 2; // content tokens, as LangChain4j weighs its partitions
                float[] sum = sums[window.text];
                for (int d = 0; d < sum.length; d++) {
                    sum[d] += weight * vectors[i][d];
                }
            }
        }
        List<float[]> result = new ArrayList<>(texts.size());
        for (float[] sum : sums) {
            result.add(normalize(sum));
        }
        return result;
    }

    /**
     * Cuts the sorted windows into batches of at most {@code batchSize}, as many as a multiple of
     * {@code threads}, of even sizes: every thread gets the same number of batches, so no core idles
     * while the last one runs alone (75 windows on 2 threads: 6 batches of 12-13, not 16,16,16,16,11).
     */
    static List<List<Window>> batches(List<Window> windows, int batchSize, int threads) {
        int count = (windows.size() + batchSize - 1) / batchSize;
        count = Math.min(windows.size(), (count + threads - 1) / threads * threads);
        List<List<Window>> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            batches.add(windows.subList(windows.size() * b / count, windows.size() * (b + 1) / count));
        }
        return batches;
    }

    private static float[][] result(Future<float[][]> run) {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while embedding", true, null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EmbeddingException failure) {
                throw failure;
            }
            throw new EmbeddingException("the local embedding model failed: " + e.getCause(), false, null, e);
        }
    }

    record Window(int text, long[] ids) {
    }

    /** Splits a text's word pieces into windows, each framed by [CLS] and [SEP]. */
    List<Window> windows(int text, String content) {
        long[] all = tokenizer.encode(content, false, false).getIds();
        int room = windowTokens - 2;
        List<Window> windows = new ArrayList<>();
        if (all.length == 0) {
            windows.add(new Window(text, new long[] {clsId, sepId}));
            return windows;
        }
        for (int start = 0; start < all.length; start += room) {
            int end = Math.min(all.length, start + room);
            long[] ids = new long[end - start + 2];
            ids[0] = clsId;
            System.arraycopy(all, start, ids, 1, end - start);
            ids[ids.length - 1] = sepId;
            windows.add(new Window(text, ids));
        }
        return windows;
    }

    /** What the model reads of a text: its word pieces, and [CLS] and [SEP] around each window. */
    @Override
    public long billedTokens(String text) {
        int pieces = tokens(text);
        int windows = Math.max(1, (pieces + windowTokens - 3) / (windowTokens - 2));
        return pieces + 2L * windows;
    }

    /** Word pieces of a text, without [CLS] and [SEP]. */
    int tokens(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    private float[][] run(List<Window> batch) {
        int length = batch.get(batch.size() - 1).ids.length; // sorted: the last is the longest
        long[][] ids = new long[batch.size()][length];
        long[][] mask = new long[batch.size()][length];
        for (int i = 0; i < batch.size(); i++) {
            long[] w = batch.get(i).ids;
            System.arraycopy(w, 0, ids[i], 0, w.length);
            Arrays.fill(mask[i], 0, w.length, 1L);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, mask));
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, new long[batch.size()][length]));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] pooled = new float[batch.size()][];
                for (int i = 0; i < batch.size(); i++) {
                    pooled[i] = normalize(pool(hidden[i], batch.get(i).ids.length));
                }
                return pooled;
            }
        } catch (OrtException e) {
            throw new EmbeddingException("the local embedding model failed: " + e.getMessage(), false, null, e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(float[][] tokens, int length) {
        if (model.pooling() == LocalModel.Pooling.CLS) {
            return tokens[0].clone();
        }
        float[] mean = new float[tokens[0].length];
        for (int t = 0; t < length; t++) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += tokens[t][d];
            }
        }
        for (int d = 0; d < mean.length; d++) {
            mean[d] /= length;
        }
        return mean;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
    }

    private InputStream stream(String name) throws IOException {
        InputStream in = LocalEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the model files are not on the class path; add the dependency "
                    + model.artifact());
        }
        return in;
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            session.close();
        } catch (OrtException ignored) {
            // the process is letting it go anyway
        }
        tokenizer.close();
    }

    /**
     * Windows per ONNX call: 16 of similar length for a full-precision model; one for an 8-bit model,
     * whose activations are quantized with one scale per call: batched, a window's vector would depend
     * on the windows beside it (cosine 0.986 to itself alone, measured), so a chunk would not get the
     * same vector twice. Alone, a window costs no padding either (docs/benchmarks/retrieval.md, indexing).
     */
    static int defaultBatchSize(LocalModel model) {
        return model.quantized() ? 1 : 16;
    }

    /** Heap a JVM has per embedding thread, beyond the first, before another thread is used by default. */
    static final long HEAP_PER_THREAD = 96L * 1024 * 1024;

    /**
     * Every core, but on a small host no more threads than the heap allows: each runs a batch whose
     * tensors and results live beside the job's own buffers (a 512 MB instance gets a ~300 MB heap
     * with the Dockerfile's flags: two threads; a 128 MB heap: one).
     */
    static int defaultThreads(int processors, long maxHeapBytes) {
        return (int) Math.max(1, Math.min(processors, maxHeapBytes / HEAP_PER_THREAD - 1));
    }

    /** Settings with defaults; {@link #build()} loads the model (a few seconds). */
    public static final class Builder {
        private LocalModel model = LocalModel.DEFAULT;
        private int windowTokens;
        private int batchSize;
        private int threads = defaultThreads(Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory());
        private int maxInputChars = DEFAULT_MAX_INPUT_CHARS;
        private String nativeCacheDir;

        private Builder() {
        }

        /**
         * Where DJL unpacks the tokenizer's native library: the value of {@code DJL_CACHE_DIR} as the
         * caller read it (null: {@code ~/.djl.ai}, or a directory in the temp dir when that is not
         * writable).
         */
        public Builder nativeCacheDir(String dir) {
            this.nativeCacheDir = dir;
            return this;
        }

        public Builder model(LocalModel model) {
            this.model = java.util.Objects.requireNonNull(model, "model");
            return this;
        }

        /** Word pieces per window, [CLS] and [SEP] included; default the model's own limit. */
        public Builder windowTokens(int windowTokens) {
            this.windowTokens = windowTokens;
            return this;
        }

        /** Windows per ONNX call; default {@link #defaultBatchSize}. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Batches run side by side, one ONNX Runtime thread each; default the number of processors,
         * at most one per {@link #HEAP_PER_THREAD} of the heap beyond the first (see {@link #defaultThreads}).
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** What the core is told to fit chunks into; default 4,000 characters. */
        public Builder maxInputChars(int maxInputChars) {
            this.maxInputChars = maxInputChars;
            return this;
        }

        public LocalEmbedder build() {
            int window = windowTokens == 0 ? model.maxTokens() : windowTokens;
            if (window < 8 || window > model.maxTokens() * 4 || window > 512) {
                throw new IllegalArgumentException("windowTokens must be within 8.." + Math.min(512,
                        model.maxTokens() * 4) + ": " + windowTokens);
            }
            if (batchSize < 0 || threads < 1 || maxInputChars < 200) {
                throw new IllegalArgumentException("batchSize and threads must be positive, maxInputChars >= 200");
            }
            return new LocalEmbedder(this);
        }
    }
}

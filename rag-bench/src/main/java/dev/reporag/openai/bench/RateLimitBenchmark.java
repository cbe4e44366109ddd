package dev.reporag.openai.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.reporag.core.embed.DispatchStats;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.memory.InMemoryRateBudget;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Metering;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.openai.OpenAiEmbeddingSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Embeds generated code chunks against the fake server at OpenAI-like limits (1,000,000 TPM,
 * 3,000 RPM, buckets of a minute that start full, 150 ms latency), once with the server metering
 * tokens as OpenAI's rate limiter does (ceil(characters / 4)) and once with cl100k, the tokenizer.
 * Each metering runs the core's dispatcher with the product's defaults for OpenAI and the naive
 * recipe (batches of 25, 1.5 s apart, one at a time, through LangChain4j), each against a fresh
 * server. Arguments: [chunks, default 20000] [naive cap in seconds, default 90].
 */
public final class RateLimitBenchmark {
    private static final long TPM = 1_000_000;
    private static final long RPM = 3_000;
    private static final long LATENCY_MILLIS = 150;
    /** Vectors shortened to 256 dimensions: rate limits are the subject, not JSON size. */
    private static final int DIMENSIONS = 256;

    private record Row(String approach, Metering metering, double seconds, int chunks, int of, long requests,
                       long limited, long metered, boolean capped, String note) {
        double ofLimit() {
            return metered / (seconds / 60) / TPM;
        }
    }

    private RateLimitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int naiveCapSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 90;
        List<String> chunks = chunks(count);
        long chars = chunks.stream().mapToLong(String::length).sum();
        out("%d chunks, %.1f MB, limits %,d TPM / %,d RPM (buckets of a minute, full at the start), latency %d ms,"
                + " %d dimensions%n", count, chars / 1e6, TPM, RPM, LATENCY_MILLIS, DIMENSIONS);
        List<Row> rows = new ArrayList<>();
        for (Metering metering : List.of(Metering.CHARS_4, Metering.CL100K)) {
            rows.add(dispatcher(chunks, metering));
            rows.add(naive(chunks, metering, naiveCapSeconds));
        }
        out("%n%-52s %-9s %9s %8s %12s %16s %s%n", "approach", "metering", "wall s", "chunks", "TPM / limit",
                "429s", "");
        for (Row row : rows) {
            out("%-52s %-9s %9.1f %8s %12.3f %16s %s%n", row.approach(), row.metering() == Metering.CL100K ? "cl100k"
                            : "chars/4", row.seconds(), row.chunks() + (row.capped() ? "*" : ""), row.ofLimit(),
                    row.limited() + " of " + row.requests() + String.format(Locale.ROOT, " (%.2f%%)",
                            row.requests() == 0 ? 0 : 100.0 * row.limited() / row.requests()), row.note());
        }
        out("* capped; the naive recipe's time for all chunks is extrapolated in its note%n");
    }

    private static Row dispatcher(List<String> chunks, Metering metering) {
        try (FakeOpenAiServer server = server(metering)) {
            OpenAiEmbedder embedder = new OpenAiEmbedder(settings(server));
            // What `rag` runs with an API key and nothing else set.
            BatchPolicy policy = new BatchPolicy(BatchPolicy.DEFAULT_BATCH_SIZE, BatchPolicy.DEFAULT_MAX_TOKENS,
                    Duration.ZERO, 4);
            try (EmbeddingDispatcher dispatcher = new EmbeddingDispatcher(embedder, policy, RetryPolicy.defaults(),
                    RateLimits.OPENAI_TIER_1, new InMemoryRateBudget())) {
                long start = System.nanoTime();
                List<float[]> vectors = dispatcher.embedAll(chunks);
                double seconds = (System.nanoTime() - start) / 1e9;
                check(vectors.size() == chunks.size(), "the dispatcher returned " + vectors.size() + " vectors");
                DispatchStats stats = dispatcher.stats();
                Row row = row("dispatcher (defaults: 25 per request, 4 in flight)", metering, server, seconds,
                        chunks.size(), chunks.size(), false, String.format(Locale.ROOT, "learned ratio %.3f",
                                stats.ratio()));
                out("%s, %s metering: %.1f s, %.3f of the TPM, %d of %d requests answered 429; %s%n", row.approach(),
                        metering, seconds, row.ofLimit(), row.limited(), row.requests(), stats);
                return row;
            }
        }
    }

    private static Row naive(List<String> chunks, Metering metering, int capSeconds) throws InterruptedException {
        try (FakeOpenAiServer server = server(metering)) {
            OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(server.baseUrl())
                    .apiKey(FakeOpenAiServer.KEY).modelName("text-embedding-3-small").dimensions(DIMENSIONS).build();
            long start = System.nanoTime();
            long deadline = start + capSeconds * 1_000_000_000L;
            int done = 0;
            String failure = null;
            while (done < chunks.size() && System.nanoTime() < deadline) {
                List<TextSegment> batch = chunks.subList(done, Math.min(done + 25, chunks.size())).stream()
                        .map(TextSegment::from).toList();
                try {
                    model.embedAll(batch);
                } catch (RuntimeException e) {
                    failure = e.getClass().getSimpleName();
                    break;
                }
                done += batch.size();
                Thread.sleep(1_500);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String note = failure != null ? "failed: " + failure
                    : done < chunks.size() ? String.format(Locale.ROOT, "all chunks: about %.1f min",
                    seconds * chunks.size() / done / 60) : "";
            Row row = row("naive recipe (25 per batch, 1.5 s apart)", metering, server, seconds, done, chunks.size(),
                    done < chunks.size(), note);
            out("%s, %s metering: %d chunks in %.1f s, %.3f of the TPM%n", row.approach(), metering, done, seconds,
                    row.ofLimit());
            return row;
        }
    }

    private static Row row(String approach, Metering metering, FakeOpenAiServer server, double seconds, int done,
                           int of, boolean capped, String note) {
        List<FakeOpenAiServer.Logged> log = server.log();
        long limited = log.stream().filter(r -> r.status() == 429).count();
        long metered = log.stream().filter(r -> r.status() == 200).mapToLong(FakeOpenAiServer.Logged::metered).sum();
        return new Row(approach, metering, seconds, done, of, log.size(), limited, metered, capped, note);
    }

    private static FakeOpenAiServer server(Metering metering) {
        FakeOpenAiServer server = FakeOpenAiServer.start().limits(RPM, TPM);
        server.latencyMillis = LATENCY_MILLIS;
        server.metering = metering;
        return server;
    }

    private static OpenAiEmbeddingSettings settings(FakeOpenAiServer server) {
        return OpenAiEmbeddingSettings.of(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl())
                .withDimensions(DIMENSIONS).withTimeout(Duration.ofSeconds(30));
    }

    /** Java-like chunks of about 1,000 characters, all different. */
    static List<String> chunks(int count) {
        String[] types = {"int", "long", "String", "List<Node>", "Map<String, Integer>", "double"};
        String[] calls = {"compute", "parseHeader", "resolve", "visitChildren", "emit", "checkBounds"};
        List<String> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder("    // chunk ").append(i).append(" of module m").append(i % 37)
                    .append('\n').append("    public ").append(types[i % types.length]).append(" method")
                    .append(i).append("(int a, String b) {\n");
            int line = 0;
            while (text.length() < 990) {
                text.append("        ").append(types[(i + line) % types.length]).append(" v").append(line)
                        .append(" = ").append(calls[(i * 7 + line) % calls.length]).append("(a + ")
                        .append(line * 13 + i % 101).append(", b, \"k").append((i * 31 + line) % 997).append("\");\n");
                line++;
            }
            chunks.add(text.substring(0, 990) + "\n    }\n");
        }
        return chunks;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    @SuppressWarnings("java:S106") // a benchmark prints its figures
    private static void out(String format, Object... args) {
        System.out.printf(Locale.ROOT, format, args);
    }
}

package dev.reporag.openai.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.openai.OpenAiEmbeddingSettings;
import dev.reporag.openai.RequestScheduler;
import dev.reporag.openai.SchedulerSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Embeds generated code chunks against the fake server at OpenAI-like limits (1,000,000 TPM,
 * 3,000 RPM, 150 ms latency) three ways, each against a fresh server whose buckets start full:
 * this module's scheduler, the naive recipe (batches of 25, 1.5 s apart, one at a time, through
 * LangChain4j) and LangChain4j's {@code OpenAiEmbeddingModel.embedAll} with its defaults.
 * Arguments: [chunks, default 20000] [naive cap in seconds, default 90].
 */
public final class RateLimitBenchmark {
    private static final long TPM = 1_000_000;
    private static final long RPM = 3_000;
    private static final long LATENCY_MILLIS = 150;
    /** Vectors shortened to 256 dimensions: rate limits are the subject, not JSON size. */
    private static final int DIMENSIONS = 256;

    private RateLimitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int naiveCapSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 90;
        List<String> chunks = chunks(count);
        long chars = chunks.stream().mapToLong(String::length).sum();
        out("%d chunks, %.1f MB, limits %,d TPM / %,d RPM, latency %d ms, %d dimensions%n", count, chars / 1e6, TPM,
                RPM, LATENCY_MILLIS, DIMENSIONS);

        scheduler(chunks);
        naive(chunks, naiveCapSeconds);
        langChain4j(chunks, 0);
        // The same with batches that fit the 300,000-token cap (about 340 tokens a chunk here).
        langChain4j(chunks, 800);
    }

    private static void scheduler(List<String> chunks) {
        try (FakeOpenAiServer server = server(); RequestScheduler scheduler = new RequestScheduler(
                SchedulerSettings.defaults())) {
            OpenAiEmbedder embedder = new OpenAiEmbedder(settings(server), scheduler);
            long start = System.nanoTime();
            List<float[]> vectors = embedder.embedAll(chunks);
            long wall = System.nanoTime() - start;
            check(vectors.size() == chunks.size(), "scheduler returned " + vectors.size() + " vectors");
            report("scheduler (defaults: concurrency 4, headroom 0.97)", server, wall, chunks.size(), false);
            out("  scheduler's own count: %s%n", scheduler.stats());
        }
    }

    private static void naive(List<String> chunks, int capSeconds) throws InterruptedException {
        try (FakeOpenAiServer server = server()) {
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
            long wall = System.nanoTime() - start;
            if (failure != null) {
                out("naive recipe failed after %d chunks: %s%n", done, failure);
            }
            report("naive recipe (25 per batch, 1.5 s delay, one at a time)", server, wall, done,
                    done < chunks.size());
            if (done < chunks.size() && done > 0) {
                out("  capped after %.0f s and %d of %d chunks; extrapolated wall time for all: %.1f min%n",
                        wall / 1e9, done, chunks.size(), wall / 1e9 * chunks.size() / done / 60);
            }
        }
    }

    /** LangChain4j's embedAll with its defaults, or with {@code maxSegmentsPerBatch} when positive. */
    private static void langChain4j(List<String> chunks, int maxSegmentsPerBatch) {
        try (FakeOpenAiServer server = server()) {
            OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder builder = OpenAiEmbeddingModel.builder()
                    .baseUrl(server.baseUrl()).apiKey(FakeOpenAiServer.KEY).modelName("text-embedding-3-small")
                    .dimensions(DIMENSIONS);
            if (maxSegmentsPerBatch > 0) {
                builder.maxSegmentsPerBatch(maxSegmentsPerBatch);
            }
            OpenAiEmbeddingModel model = builder.build();
            String name = maxSegmentsPerBatch > 0
                    ? "LangChain4j embedAll (maxSegmentsPerBatch " + maxSegmentsPerBatch + ", otherwise defaults)"
                    : "LangChain4j embedAll (defaults)";
            long start = System.nanoTime();
            String outcome = "completed";
            try {
                model.embedAll(chunks.stream().map(TextSegment::from).toList());
            } catch (RuntimeException e) {
                outcome = "failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
            }
            long wall = System.nanoTime() - start;
            long accepted = server.log().stream().filter(r -> r.status() == 200).mapToLong(r -> r.inputs()).sum();
            out("%s: %s%n", name, outcome);
            report(name, server, wall, (int) accepted, false);
        }
    }

    private static void report(String name, FakeOpenAiServer server, long wallNanos, int chunksDone,
                               boolean capped) {
        List<FakeOpenAiServer.Logged> log = server.log();
        long requests = log.size();
        long limited = log.stream().filter(r -> r.status() == 429).count();
        long rejected = log.stream().filter(r -> r.status() == 400).count();
        long tokens = log.stream().filter(r -> r.status() == 200).mapToLong(FakeOpenAiServer.Logged::tokens).sum();
        long maxTokens = log.stream().mapToLong(FakeOpenAiServer.Logged::tokens).max().orElse(0);
        long maxInputs = log.stream().mapToLong(FakeOpenAiServer.Logged::inputs).max().orElse(0);
        double minutes = wallNanos / 60e9;
        double tpm = minutes > 0 ? tokens / minutes : 0;
        out("%s%n  wall %.1f s%s, chunks embedded %d, tokens accepted %,d%n"
                        + "  sustained %,.0f TPM = %.3f of the limit; requests %d, 429s %d (%.2f%%), 400s %d;"
                        + " largest request %,d tokens / %d inputs%n",
                name, wallNanos / 1e9, capped ? " (capped)" : "", chunksDone, tokens, tpm, tpm / TPM, requests,
                limited, requests == 0 ? 0 : 100.0 * limited / requests, rejected, maxTokens, maxInputs);
    }

    private static FakeOpenAiServer server() {
        FakeOpenAiServer server = FakeOpenAiServer.start().limits(RPM, TPM);
        server.latencyMillis = LATENCY_MILLIS;
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

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
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

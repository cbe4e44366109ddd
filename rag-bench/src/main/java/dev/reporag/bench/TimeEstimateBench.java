package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The estimate's time against the time the ingestion then takes, on repositories we did not write:
 * for each Git directory, {@code rag estimate <repo> --json} and then {@code rag ingest <repo> --json},
 * each in a JVM of its own with {@code ./rag}'s one-shot flags, and the estimate's {@code seconds}
 * set beside the project's time from registration to READY.
 *
 * <p>Arguments: a work directory, {@code openai} or {@code local}, a server latency in milliseconds
 * (openai only; 0 otherwise), then Git directories. {@code openai}: an OpenAI-compatible server in
 * this JVM ({@link FakeEmbeddingsServer}) answering after that latency, and the product's default
 * pacing, OpenAI's tier 1 (3,000 requests and 1,000,000 tokens a minute) unless
 * {@code BENCH_CHILD_RAG_TPM}/{@code BENCH_CHILD_RAG_RPM} say otherwise. {@code local}: the
 * in-process model, whose speed the estimate measures on a sample.
 */
public final class TimeEstimateBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHILD_PREFIX = "BENCH_CHILD_";

    private TimeEstimateBench() {
    }

    private record Row(String repository, String commit, long chunks, long tokens, long estimatedSeconds,
                       String basis, double readySeconds, double wallSeconds) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || !List.of("openai", "local").contains(args[1])) {
            throw new IllegalArgumentException("arguments: WORK_DIR openai|local LATENCY_MS GIT_DIR [GIT_DIR ...]");
        }
        Path work = Path.of(args[0]);
        boolean openai = args[1].equals("openai");
        int latency = Integer.parseInt(args[2]);
        ReuseBench.deleteTree(work);
        Files.createDirectories(work);
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Row> rows = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            rows.add(measure(work.resolve("r" + i), Path.of(args[i]), openai, latency));
        }
        System.out.printf(Locale.ROOT, "%s; load average before: %s%n", openai
                ? "OpenAI-compatible server in this JVM, " + latency + " ms a request" : "the in-process model", load);
        System.out.println("| repository | commit | chunks | tokens | estimate | its basis | registered to READY"
                + " | READY / estimate | process wall |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %d s | %s | %.1f s | %.2f | %.1f s |%n",
                    row.repository(), row.commit(), row.chunks(), row.tokens(), row.estimatedSeconds(), row.basis(),
                    row.readySeconds(), row.readySeconds() / Math.max(1, row.estimatedSeconds()), row.wallSeconds());
        }
    }

    private static Row measure(Path work, Path mirror, boolean openai, int latency) throws Exception {
        Files.createDirectories(work);
        String head = MirrorCopy.head(mirror);
        Path bare = work.resolve("repo.git");
        MirrorCopy.copy(mirror, head, bare, 1);
        String name = mirror.getParent().getFileName().toString().replace('+', '/');
        try (FakeEmbeddingsServer server = new FakeEmbeddingsServer(latency, null)) {
            Map<String, String> env = new HashMap<>(Map.of("RAG_ALLOW_LOCAL_SOURCES", "true",
                    "RAG_HOME", work.resolve("home").toString(), "RAG_LOG_LEVEL", "WARN",
                    "XDG_CONFIG_HOME", work.resolve("xdg").toString()));
            if (openai) {
                env.putAll(Map.of("OPENAI_API_KEY", "sk-bench-not-a-real-key", "OPENAI_BASE_URL", server.baseUrl(),
                        "RAG_EMBEDDING_DIMENSIONS", "256"));
            }
            System.getenv().forEach((variable, value) -> {
                if (variable.startsWith(CHILD_PREFIX)) {
                    env.put(variable.substring(CHILD_PREFIX.length()), value);
                }
            });
            JsonNode estimate = json(run(work, "estimate", env, List.of("estimate", bare.toString(), "--json")).out());
            ChildProcess.Result ingest = run(work, "ingest", env, List.of("ingest", bare.toString(), "--name",
                    "timed", "--json"));
            JsonNode status = json(ingest.out());
            if (!"READY".equals(status.path("status").asText())) {
                throw new IllegalStateException(name + " ended " + status);
            }
            double ready = Duration.between(Instant.parse(status.path("createdAt").asText()),
                    Instant.parse(status.path("updatedAt").asText())).toMillis() / 1000.0;
            return new Row(name, head.substring(0, 12), estimate.path("chunks").asLong(),
                    estimate.path("tokens").asLong(), estimate.path("seconds").asLong(),
                    estimate.path("timeBasis").asText(), ready, ingest.seconds());
        }
    }

    private static ChildProcess.Result run(Path work, String label, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        ChildProcess.Result result = ChildProcess.run(work, label, IndexingRun.INGEST_JVM, env, "dev.reporag.cli.Main",
                args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("rag " + String.join(" ", args) + " failed (" + result.exitCode() + "): "
                    + result.out() + result.err());
        }
        return result;
    }

    private static JsonNode json(String out) throws IOException {
        return JSON.readTree(out.substring(out.indexOf('{')));
    }
}

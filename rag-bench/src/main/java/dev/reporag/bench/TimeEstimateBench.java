package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The estimate's time against the time the ingestion then takes, on repositories we did not write:
 * for each Git directory, {@code rag estimate <repo> --json} and then {@code rag ingest <repo> --json},
 * each in a JVM of its own with {@code ./rag}'s one-shot flags, and the estimate's {@code seconds}
 * set beside the project's time from registration to READY. The repositories share one store (and
 * one server), as a user indexing them one after another: from the second on, the store holds the
 * answer time the last ingestion recorded, which a one-shot estimate takes.
 *
 * <p>Arguments: a work directory, {@code openai} or {@code local}, a server latency in milliseconds
 * (openai only; 0 otherwise) or {@code cpu:M}, a compute-bound server embedding one request at a
 * time in M ms per 1,000 characters ({@link FakeEmbeddingsServer#computeBound}), then Git
 * directories. {@code openai}: an OpenAI-compatible server in this JVM ({@link FakeEmbeddingsServer})
 * answering after that latency, and the product's default pacing, OpenAI's tier 1 (3,000 requests
 * and 1,000,000 tokens a minute) unless {@code BENCH_CHILD_RAG_TPM}/{@code BENCH_CHILD_RAG_RPM} say
 * otherwise. {@code local}: the in-process model, whose speed the estimate measures on a sample.
 */
public final class TimeEstimateBench {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private TimeEstimateBench() {
    }

    private record Row(String repository, String commit, long chunks, long tokens, long estimatedSeconds,
                       String basis, double readySeconds, double wallSeconds) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || !List.of("openai", "local", "serve").contains(args[1])) {
            throw new IllegalArgumentException("arguments: WORK_DIR openai|local|serve LATENCY_MS GIT_DIR [GIT_DIR ...]");
        }
        Path work = Path.of(args[0]);
        String mode = args[1];
        String latency = args[2];
        ReuseBench.deleteTree(work);
        Files.createDirectories(work);
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Path> mirrors = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            mirrors.add(Path.of(args[i]));
        }
        List<Row> rows = mode.equals("serve") ? throughService(work, mirrors, latency)
                : oneShot(work, mirrors, mode.equals("openai"), latency);
        System.out.printf(Locale.ROOT, "%s; load average before: %s%n", switch (mode) {
            case "openai" -> "OpenAI-compatible server in this JVM, " + described(latency) + "; each command in a JVM"
                    + " of its own, one store for all (from the second repository on, it holds the answer time the"
                    + " last ingestion recorded)";
            case "serve" -> "OpenAI-compatible server in this JVM, " + described(latency) + "; one `rag serve`, each"
                    + " repository registered, estimated (GET /api/projects/{id}/estimate) and then indexed in turn";
            default -> "the in-process model";
        }, load);
        System.out.println("| repository | commit | chunks | tokens | estimate | its basis | registered to READY"
                + " | READY / estimate | process wall |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %d s | %s | %.1f s | %.2f | %.1f s |%n",
                    row.repository(), row.commit(), row.chunks(), row.tokens(), row.estimatedSeconds(), row.basis(),
                    row.readySeconds(), row.readySeconds() / Math.max(1, row.estimatedSeconds()), row.wallSeconds());
        }
    }

    /** {@code 300}: a fixed 300 ms a request; {@code cpu:20}: one request at a time, 20 ms per 1,000 characters. */
    private static FakeEmbeddingsServer server(String latency) throws IOException {
        return latency.startsWith("cpu:") ? FakeEmbeddingsServer.computeBound(Double.parseDouble(latency.substring(4)))
                : new FakeEmbeddingsServer(Long.parseLong(latency), null);
    }

    private static String described(String latency) {
        return latency.startsWith("cpu:") ? "embedding one request at a time in " + latency.substring(4)
                + " ms per 1,000 characters" : latency + " ms a request";
    }

    /** One {@code rag serve} for all: from the second repository on, it has seen the server's answers. */
    private static List<Row> throughService(Path work, List<Path> mirrors, String latency) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (FakeEmbeddingsServer server = server(latency)) {
            Map<String, String> env = Cli.env(work, server);
            try (ReuseBench.Service service = ReuseBench.Service.start(work, env, false)) {
                for (int i = 0; i < mirrors.size(); i++) {
                    Path mirror = mirrors.get(i);
                    Path bare = work.resolve("repo-" + i + ".git");
                    String head = MirrorCopy.copyHead(mirror, bare);
                    String body = "{\"name\":\"timed-" + i + "\",\"repoUrl\":\"" + bare + "\"}";
                    String id = JSON.readTree(ReuseBench.Service.expect(service.send("POST", "/api/projects", body),
                            201)).path("id").asText();
                    JsonNode estimate = JSON.readTree(ReuseBench.Service.expect(
                            service.send("GET", "/api/projects/" + id + "/estimate", null), 200));
                    long started = System.nanoTime();
                    ReuseBench.Service.expect(service.send("POST", "/api/projects/" + id + "/ingest", "{}"), 202);
                    JsonNode status;
                    do {
                        Thread.sleep(20);
                        status = JSON.readTree(ReuseBench.Service.expect(
                                service.send("GET", "/api/projects/" + id, null), 200));
                        if (status.path("status").asText().equals("FAILED")) {
                            throw new IllegalStateException(mirror + " ended " + status);
                        }
                    } while (!status.path("status").asText().equals("READY"));
                    double ready = (System.nanoTime() - started) / 1e9;
                    rows.add(new Row(Cli.repositoryName(mirror), head.substring(0, 12), estimate.path("chunks").asLong(),
                            estimate.path("tokens").asLong(), estimate.path("seconds").asLong(),
                            estimate.path("timeBasis").asText(), ready, ready));
                }
            }
        }
        return rows;
    }

    /**
     * {@code rag estimate}, then {@code rag ingest}, of each repository in turn, as a user indexing
     * them one after another: one store, one server.
     */
    private static List<Row> oneShot(Path work, List<Path> mirrors, boolean openai, String latency) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (FakeEmbeddingsServer server = server(latency)) {
            Map<String, String> env = openai ? Cli.env(work, server) : Cli.env(work);
            for (int i = 0; i < mirrors.size(); i++) {
                Path mirror = mirrors.get(i);
                Path bare = work.resolve("repo-" + i + ".git");
                String head = MirrorCopy.copyHead(mirror, bare);
                String name = Cli.repositoryName(mirror);
                JsonNode estimate = Cli.json(Cli.run(work, "estimate-" + i, env,
                        List.of("estimate", bare.toString(), "--json")).out());
                ChildProcess.Result ingest = Cli.run(work, "ingest-" + i, env, List.of("ingest", bare.toString(),
                        "--name", "timed-" + i, "--json"));
                JsonNode status = Cli.json(ingest.out());
                if (!"READY".equals(status.path("status").asText())) {
                    throw new IllegalStateException(name + " ended " + status);
                }
                double ready = Duration.between(Instant.parse(status.path("createdAt").asText()),
                        Instant.parse(status.path("updatedAt").asText())).toMillis() / 1000.0;
                rows.add(new Row(name, head.substring(0, 12), estimate.path("chunks").asLong(),
                        estimate.path("tokens").asLong(), estimate.path("seconds").asLong(),
                        estimate.path("timeBasis").asText(), ready, ingest.seconds()));
            }
        }
        return rows;
    }
}

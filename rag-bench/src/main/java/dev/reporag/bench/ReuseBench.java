package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reporag.pgvector.TestSchema;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Vectors reused by content, measured on a real repository: {@code rag ingest} of its default
 * branch, then of another branch that changes about 1 % of its files, each as a project of its own
 * on the embedded store, in a JVM of its own, against an OpenAI-compatible server in this process
 * that answers each request after a fixed latency and counts every input it embeds. Prints the
 * inputs embedded and the time from registration to READY of each project.
 *
 * <pre>
 * scripts/bench.sh reuse      # args: [mirror git dir] [work dir] [latency ms] [files to change] [local|pgvector] [ingest|serve|deployed|fork] [rounds]
 * </pre>
 *
 * With more than one round, the two projects are indexed again in a new store each round (the same
 * branch, the same server), every round's rows are printed, and the goal is judged on the median
 * round: one run's share moved by 2–4 points between runs of the same code on two cores.
 *
 * With {@code serve}, both projects are indexed by one {@code rag serve} (the Dockerfile's flags) through
 * its HTTP API, as the web app does it: registered, "Initialize AI", polled until READY; the second
 * one's job then runs in a JVM its first job has warmed up. With {@code deployed} (PostgreSQL only), as
 * render.yaml deploys it: {@code rag serve --workers 0} takes the requests and a {@code rag worker
 * --concurrency 1} of its own does the jobs, the two told of each other's work only by the database.
 *
 * With {@code fork}, as {@code ingest}, but the second project is registered at another address: a
 * bare clone of the repository (as a fork on a host is), so it has no sibling of its own repository
 * and starts, if at all, from the first project's index through the clone kept of it.
 *
 * With {@code pgvector}, the store is a schema of its own on the tests' PostgreSQL ({@link TestSchema}:
 * {@code RAG_TEST_DATABASE_URL}, else Testcontainers), dropped afterwards.
 */
public final class ReuseBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-bench-not-a-real-key";
    private static final String BRANCH = "reuse-bench";
    /** Variables of this process passed to the ingest JVMs without it (see main). */
    private static final String CHILD_PREFIX = "BENCH_CHILD_";

    private ReuseBench() {
    }

    public static void main(String[] args) throws Exception {
        Path mirror = Path.of(args.length > 0 ? args[0] : "/work/.mirror/jhy+jsoup/repo");
        Path work = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir") + "/reuse-bench");
        long latencyMillis = args.length > 2 ? Long.parseLong(args[2]) : 300;
        int changed = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        String store = args.length > 4 ? args[4] : "local";
        String mode = args.length > 5 ? args[5] : "ingest";
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        if (mode.equals("deployed") && !store.equals("pgvector")) {
            throw new IllegalArgumentException("deployed: a separate worker needs the pgvector store");
        }
        deleteTree(work);
        Files.createDirectories(work);

        String head = MirrorCopy.head(mirror);
        Path bare = work.resolve("repo.git");
        MirrorCopy.copy(mirror, head, bare, 1);
        Path checkout = work.resolve("checkout");
        git(work, "clone", "--quiet", bare.toString(), checkout.toString());
        List<String> tracked = List.of(git(checkout, "ls-files").split("\n"));
        List<String> code = tracked.stream().filter(p -> p.matches(".*\\.(java|go|py|ts|js|rs|rb|c|h|cc|cpp|kt|scala|php|cs|swift)$") && !p.contains("test"))
                .sorted().toList();
        int toChange = changed > 0 ? changed : Math.max(1, tracked.size() / 100);
        git(checkout, "checkout", "--quiet", "-b", BRANCH);
        for (int i = 0; i < toChange; i++) {
            // Spread over the repository; one new line near the end of each file, as a small fix would.
            Path file = checkout.resolve(code.get(i * code.size() / toChange));
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            lines.add(Math.max(0, lines.size() - 2), "    // reuse-bench: a change on the branch (" + i + ")");
            Files.write(file, lines, StandardCharsets.UTF_8);
        }
        git(checkout, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-am",
                "a small change on a branch");
        git(checkout, "push", "--quiet", "origin", BRANCH);
        // `fork`: the second project is of another repository, a clone of this one (as a fork on a host is).
        Path second = bare;
        if (mode.equals("fork")) {
            second = work.resolve("fork.git");
            git(work, "clone", "--quiet", "--bare", bare.toString(), second.toString());
        }

        String loadAverage = Files.readString(Path.of("/proc/loadavg")).strip();
        try (FakeEmbeddingsServer server = new FakeEmbeddingsServer(latencyMillis, null)) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", server.baseUrl(),
                    "RAG_EMBEDDING_DIMENSIONS", "256", "RAG_ALLOW_LOCAL_SOURCES", "true",
                    "RAG_HOME", work.resolve("home").toString(), "RAG_LOG_LEVEL", "WARN",
                    "XDG_CONFIG_HOME", work.resolve("xdg").toString()));
            // For profiling a run: BENCH_CHILD_JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=... reaches the
            // ingest JVMs (as JAVA_TOOL_OPTIONS) and not this one or Maven's.
            System.getenv().forEach((name, value) -> {
                if (name.startsWith(CHILD_PREFIX)) {
                    env.put(name.substring(CHILD_PREFIX.length()), value);
                }
            });
            List<Run[]> pairs = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                pairs.add(pair(work, env, store, mode, bare, second, server, rounds == 1 ? "" : "-" + round));
            }

            System.out.printf(Locale.ROOT, "repository: %s at %s, %d tracked files; the branch changes %d of them"
                    + " (%.1f %%)%n", mirror, head.substring(0, 12), tracked.size(), toChange,
                    100.0 * toChange / tracked.size());
            System.out.printf(Locale.ROOT, "fake OpenAI server: %d ms per request; RAG_EMBEDDING_DIMENSIONS=256,"
                    + " %s store, defaults otherwise (25 inputs a request, 4 in flight); %s; load average before: %s%n",
                    latencyMillis, store.equals("pgvector") ? "PostgreSQL" : "embedded",
                    switch (mode) {
                        case "serve" -> "both by one `rag serve` through its HTTP API (process wall and CPU: from"
                                + " the request to READY)";
                        case "deployed" -> "both through the HTTP API of `rag serve --workers 0`, the jobs done by"
                                + " a `rag worker --concurrency 1` (process wall: from the request to READY; CPU: both"
                                + " processes')";
                        case "fork" -> "each by `rag ingest` in a JVM of its own, the second of a fork (a bare"
                                + " clone of the repository, another address)";
                        default -> "each by `rag ingest` in a JVM of its own";
                    }, loadAverage);
            System.out.println("| project | chunks | inputs embedded | share embedded | requests | registered to READY"
                    + " | process wall | process CPU |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (Run[] pair : pairs) {
                for (Run run : pair) {
                    System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.2f %% | %,d | %.2f s | %.1f s | %.1f s |%n",
                            run.name, run.chunks, run.inputs, 100.0 * run.inputs / run.chunks, run.requests,
                            run.readySeconds, run.wallSeconds, run.cpuSeconds);
                }
            }
            List<Run[]> byTime = pairs.stream().sorted(Comparator.comparingDouble(ReuseBench::timeShare)).toList();
            Run[] median = byTime.get((byTime.size() - 1) / 2);
            double share = 100.0 * median[1].inputs / median[1].chunks;
            double time = timeShare(median);
            if (rounds > 1) {
                System.out.println("second project's time, share of the first's, every round (sorted): " + byTime.stream()
                        .map(p -> String.format(Locale.ROOT, "%.1f %%", timeShare(p))).toList());
            }
            System.out.printf(Locale.ROOT, "second project%s: embedded %.2f %% of its chunks (goal < 3 %%: %s), READY in"
                    + " %.1f %% of the first one's time (goal < 10 %%: %s)%n", rounds > 1 ? " (median round)" : "",
                    share, share < 3 ? "met" : "NOT met", time, time < 10 ? "met" : "NOT met");
        }
    }

    /** The second project's time from registration to READY, in percent of the first's. */
    private static double timeShare(Run[] pair) {
        return 100.0 * pair[1].readySeconds / pair[0].readySeconds;
    }

    /** The first project, then the second, in a store of their own (a new home, or schema, per round). */
    private static Run[] pair(Path work, Map<String, String> sharedEnv, String store, String mode, Path bare,
                              Path secondRepository, FakeEmbeddingsServer server, String round) throws Exception {
        Map<String, String> env = new HashMap<>(sharedEnv);
        env.put("RAG_HOME", work.resolve("home" + round).toString());
        TestSchema schema = null;
        if (store.equals("pgvector")) {
            schema = new TestSchema("reuse_bench");
            env.put("DATABASE_URL", schema.databaseUrl());
        }
        try {
            if (mode.equals("serve") || mode.equals("deployed")) {
                try (Service service = Service.start(work, env, mode.equals("deployed"))) {
                    return new Run[]{service.index(bare, "main", "first" + round, server),
                            service.index(bare, BRANCH, "second" + round, server)};
                }
            }
            return new Run[]{ingest(work, env, bare, "main", "first" + round, server),
                    ingest(work, env, secondRepository, BRANCH, "second" + round, server)};
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }

    /** @param cpuSeconds the ingest JVM's user + system CPU: less bent by other load than its wall time */
    private record Run(String name, long chunks, long inputs, long requests, double readySeconds,
                       double wallSeconds, double cpuSeconds) {
    }

    private static Run ingest(Path work, Map<String, String> env, Path repo, String ref, String name,
                              FakeEmbeddingsServer server)
            throws IOException, InterruptedException {
        long inputsBefore = server.inputs.get();
        long requestsBefore = server.requests.get();
        ChildProcess.Result result = ChildProcess.run(work, "ingest-" + name, IndexingRun.PRODUCT_JVM, env,
                "dev.reporag.cli.Main", List.of("ingest", repo.toString(), "--ref", ref, "--name", name, "--json"));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("rag ingest " + name + " failed (" + result.exitCode() + "): "
                    + result.out() + result.err());
        }
        JsonNode status = JSON.readTree(result.out().substring(result.out().indexOf('{')));
        if (!"READY".equals(status.path("status").asText())) {
            throw new IllegalStateException(name + " ended " + status);
        }
        double ready = Duration.between(Instant.parse(status.path("createdAt").asText()),
                Instant.parse(status.path("updatedAt").asText())).toMillis() / 1000.0;
        return new Run(name + " (" + ref + ")", status.path("chunks").asLong(), server.inputs.get() - inputsBefore,
                server.requests.get() - requestsBefore, ready, result.seconds(), result.cpuSeconds());
    }

    /** One {@code rag serve} on a free loopback port, driven through its HTTP API (and its worker, if apart). */
    static final class Service implements AutoCloseable {
        private final Process process;
        private final Process worker;
        private final String base;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        private Service(Process process, Process worker, int port) {
            this.process = process;
            this.worker = worker;
            this.base = "http://127.0.0.1:" + port;
        }

        static Service start(Path work, Map<String, String> env, boolean separateWorker)
                throws IOException, InterruptedException {
            return start(work, env, separateWorker, separateWorker ? List.of("serve", "--workers", "0")
                    : List.of("serve"));
        }

        /** {@code rag <serveArgs>} ({@code serve --workers 0}: a web service whose jobs other processes run). */
        static Service start(Path work, Map<String, String> env, boolean separateWorker, List<String> serveArgs)
                throws IOException, InterruptedException {
            Process worker = null;
            if (separateWorker) {
                worker = ChildProcess.start(work, "worker", IndexingRun.PRODUCT_JVM, env, "dev.reporag.cli.Main",
                        List.of("worker", "--concurrency", "1"));
            }
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Map<String, String> serveEnv = new HashMap<>(env);
            serveEnv.put("PORT", Integer.toString(port));
            Service service = new Service(ChildProcess.start(work, "serve", IndexingRun.PRODUCT_JVM, serveEnv,
                    "dev.reporag.cli.Main", serveArgs),
                    worker, port);
            Instant deadline = Instant.now().plusSeconds(120);
            while (true) {
                try {
                    if (service.send("GET", "/ready", null).statusCode() == 200) {
                        if (worker != null) {
                            Thread.sleep(5_000); // the worker's JVM started with serve's: now past its first poll
                        }
                        return service;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!service.process.isAlive() || Instant.now().isAfter(deadline)) {
                    service.close();
                    throw new IllegalStateException("rag serve did not become ready: see " + work.resolve("serve.err"));
                }
                Thread.sleep(50);
            }
        }

        Run index(Path repo, String ref, String name, FakeEmbeddingsServer server) throws IOException, InterruptedException {
            long inputsBefore = server.inputs.get();
            long requestsBefore = server.requests.get();
            double cpuBefore = cpuSeconds();
            long start = System.nanoTime();
            ObjectNode body = JSON.createObjectNode().put("name", name).put("repoUrl", repo.toString()).put("ref", ref);
            String id = JSON.readTree(expect(send("POST", "/api/projects", body.toString()), 201)).path("id").asText();
            expect(send("POST", "/api/projects/" + id + "/ingest", "{}"), 202);
            JsonNode status;
            Instant deadline = Instant.now().plusSeconds(900);
            while (true) {
                status = JSON.readTree(expect(send("GET", "/api/projects/" + id, null), 200));
                String state = status.path("status").asText();
                if (state.equals("READY")) {
                    break;
                }
                if (state.equals("FAILED") || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(name + " ended " + status);
                }
                Thread.sleep(20);
            }
            double ready = Duration.between(Instant.parse(status.path("createdAt").asText()),
                    Instant.parse(status.path("updatedAt").asText())).toMillis() / 1000.0;
            return new Run(name + " (" + ref + ")", status.path("chunks").asLong(), server.inputs.get() - inputsBefore,
                    server.requests.get() - requestsBefore, ready, (System.nanoTime() - start) / 1e9,
                    cpuSeconds() - cpuBefore);
        }

        private double cpuSeconds() throws IOException {
            double cpu = ChildProcess.cpuSeconds(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return worker == null ? cpu : cpu + ChildProcess.cpuSeconds(Path.of("/proc", Long.toString(worker.pid()), "stat"));
        }

        java.net.http.HttpResponse<String> send(String method, String path, String json)
                throws IOException, InterruptedException {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                    .timeout(Duration.ofSeconds(30));
            request = json == null ? request.GET() : request.header("Content-Type", "application/json")
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json));
            return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }

        static String expect(java.net.http.HttpResponse<String> response, int status) {
            if (response.statusCode() != status) {
                throw new IllegalStateException(response.request().method() + " " + response.request().uri() + ": "
                        + response.statusCode() + " " + response.body());
            }
            return response.body();
        }

        @Override
        public void close() throws InterruptedException {
            for (Process child : worker == null ? List.of(process) : List.of(process, worker)) {
                child.destroy();
                if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
        }
    }

    /** {@code git <args>} in {@code dir}; its output, or an IOException saying why it failed. */
    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + output);
        }
        return output.strip();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

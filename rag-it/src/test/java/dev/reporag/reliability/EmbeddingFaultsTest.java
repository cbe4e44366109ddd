package dev.reporag.reliability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedding API misbehaves under a real `rag` process. Transient faults (500s, 429s, hangs
 * past RAG_TIMEOUT, malformed JSON, connection resets) cost time, never chunks; a permanently
 * failing API (401, 500 forever) fails the job in bounded time with a clear error, and the same
 * worker goes on with the next project.
 */
class EmbeddingFaultsTest {
    @TempDir
    Path tmp;

    @Test
    void transientFaultsEndReadyWithExactlyTheChunksOfAFaultFreeRun() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("faults"), GitRepos.generatedCode(20, 3));
        List<StoredChunks.Stored> clean;
        List<StoredChunks.Stored> faulty;
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            assertThat(ingest(fake, repo, tmp.resolve("clean"))).contains("READY");
            clean = StoredChunks.embedded(tmp.resolve("clean"));
            int cleanRequests = fake.log().size();
            fake.clearLog();

            fake.hangMillis = 2_500; // past RAG_TIMEOUT=1
            fake.forcedRetryAfterMillis = 200;
            // One of each first, then 20% 500s, 10% 429s, 5% hangs, 3% malformed JSON, 2% resets.
            fake.failNext(Fault.SERVER_ERROR, Fault.RATE_LIMIT, Fault.HANG, Fault.MALFORMED, Fault.RESET);
            List<Fault> mix = new ArrayList<>();
            mix.addAll(Collections.nCopies(20, Fault.SERVER_ERROR));
            mix.addAll(Collections.nCopies(10, Fault.RATE_LIMIT));
            mix.addAll(Collections.nCopies(5, Fault.HANG));
            mix.addAll(Collections.nCopies(3, Fault.MALFORMED));
            mix.addAll(Collections.nCopies(2, Fault.RESET));
            fake.randomFaults(0.40, mix.toArray(Fault[]::new));
            String output = ingest(fake, repo, tmp.resolve("faulty"));
            assertThat(output).contains("READY").doesNotContain(FakeOpenAiServer.KEY).doesNotContain("Exception");
            faulty = StoredChunks.embedded(tmp.resolve("faulty"));

            List<FakeOpenAiServer.Logged> log = fake.log();
            assertThat(log).as("every kind of fault was served").anyMatch(l -> l.status() == 500)
                    .anyMatch(l -> l.status() == 429).anyMatch(l -> l.status() == 0);
            assertThat(log.size()).as("faults cost retries").isGreaterThan(cleanRequests + 5);
        }
        assertThat(faulty).hasSameSizeAs(clean);
        assertThat(CrashTest.contents(faulty)).isEqualTo(CrashTest.contents(clean));
        assertThat(faulty.stream().map(StoredChunks.Stored::id).distinct().count()).isEqualTo(faulty.size());
    }

    private String ingest(FakeOpenAiServer fake, Path repo, Path home) throws Exception {
        Map<String, String> env = api(fake.baseUrl());
        env.put("RAG_HOME", home.toString());
        Path log = tmp.resolve(home.getFileName() + ".log");
        int exit = Child.run(log, 120, env, "ingest", repo.toString());
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        return output;
    }

    private static Map<String, String> api(String baseUrl) {
        return new HashMap<>(Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL", baseUrl,
                "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_TIMEOUT", "1", "RAG_BATCH_SIZE", "2",
                "RAG_ALLOW_LOCAL_SOURCES", "true"));
    }

    @Test
    void aPermanentlyFailingApiFailsTheJobInBoundedTimeAndTheWorkerGoesOn() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(6, 2));
        // Forty requests of two chunks: more than the job may have out at once.
        Path large = GitRepos.create(tmp.resolve("large"), GitRepos.generatedCode(40, 2));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(); Gateway gateway = new Gateway(fake.baseUrl());
             TestSchema db = new TestSchema("faults")) {
            Map<String, String> env = api(gateway.baseUrl());
            env.put("DATABASE_URL", db.databaseUrl());
            env.put("RAG_HOME", tmp.resolve("home").toString());
            env.put("RAG_LEASE", "5");
            try (Child worker = Child.start(tmp.resolve("worker.log"), env, "worker")) {
                String workerId = CrashTest.awaitMatch(worker, Pattern.compile("worker (w-[0-9a-f]+) running"), 60)
                        .group(1);
                try (PgDatabase pg = db.openAsStored()) {
                    // The key is refused: no retry can help.
                    gateway.mode = 401;
                    long start = System.nanoTime();
                    IngestionJob rejected = await(pg, enqueue(pg, "rejected", large), 30);
                    long rejectedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                    assertThat(rejected.status()).isEqualTo(JobStatus.FAILED);
                    assertThat(rejected.error()).contains("API key was rejected (401)")
                            .doesNotContain(FakeOpenAiServer.KEY).doesNotContain("sk-");
                    assertThat(rejectedSeconds).isLessThan(15);
                    assertThat(gateway.refused.values()).as("a 401 is not retried").isNotEmpty().containsOnly(1);
                    // The job has at most 2 requests per sender (RAG_CONCURRENCY, 4 with an API) out, and
                    // stops there: the others are never sent.
                    int refusedRequests = gateway.served.get();
                    assertThat(refusedRequests).as("requests sent for a refused key").isLessThanOrEqualTo(8);

                    // Every request fails with 500, for good; the next project waits behind it.
                    gateway.mode = 500;
                    start = System.nanoTime();
                    JobId down = enqueue(pg, "down", repo);
                    JobId next = enqueue(pg, "next", repo);
                    IngestionJob failed = await(pg, down, 120);
                    long failedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                    gateway.mode = 0; // the API is back
                    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
                    assertThat(failed.error()).contains("500").contains("gave up after");
                    // The scheduler's 8 attempts back off 0.5 s doubling (with jitter): at most ~64 s.
                    assertThat(failedSeconds).isLessThan(90);

                    IngestionJob processed = await(pg, next, 60);
                    assertThat(processed.status()).as(processed.error()).isEqualTo(JobStatus.READY);
                    assertThat(worker.output()).contains("worker " + workerId + " processing job " + next.value());
                    System.out.printf("401: FAILED after %d s, %d requests sent; 500 forever: FAILED after %d s%n",
                            rejectedSeconds, refusedRequests,
                            failedSeconds);
                }
                worker.signal("TERM");
                worker.waitFor(30);
                assertThat(worker.output()).doesNotContain(FakeOpenAiServer.KEY).doesNotContain("\tat ");
            }
        }
    }

    static JobId enqueue(PgDatabase pg, String name, Path repo) {
        Project project = new Project(ProjectId.random(), name, repo.toString(), null, Instant.now());
        pg.jobs().saveProject(project);
        return pg.jobs().enqueue(project.id(), Instant.now()).id();
    }

    static IngestionJob await(PgDatabase pg, JobId id, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        IngestionJob job = pg.jobs().job(id).orElseThrow();
        while (!job.status().isFinished()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job not finished within " + seconds + " s: " + job);
            }
            Thread.sleep(100);
            job = pg.jobs().job(id).orElseThrow();
        }
        return job;
    }

    /** In front of the fake: answers 401 or 500 to everything, or passes requests through (mode 0). */
    private static final class Gateway implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String target;
        final AtomicInteger served = new AtomicInteger();
        /** Times each request body was answered 401. */
        final Map<String, Integer> refused = new ConcurrentHashMap<>();
        volatile int mode;

        Gateway(String target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int now = mode;
                served.incrementAndGet();
                if (now == 401) {
                    refused.merge(new String(body, StandardCharsets.UTF_8), 1, Integer::sum);
                    String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
                    send(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                            + auth.substring(Math.max(0, auth.length() - 4)) + ".\",\"type\":\"invalid_request_error\","
                            + "\"param\":null,\"code\":\"invalid_api_key\"}}");
                    return;
                }
                if (now == 500) {
                    send(exchange, 500, "{\"error\":{\"message\":\"The server had an error while processing your"
                            + " request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                    return;
                }
                String path = exchange.getRequestURI().getPath().replaceFirst("^/v1", "");
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + path))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Content-Type")) {
                        values.forEach(v -> forward.header(name, v));
                    }
                });
                HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                exchange.getResponseBody().write(response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void send(HttpExchange exchange, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

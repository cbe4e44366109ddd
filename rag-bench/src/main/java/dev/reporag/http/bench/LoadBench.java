package dev.reporag.http.bench;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.ingest.Worker;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.http.HttpSettings;
import dev.reporag.http.RagHttpServer;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GET /api/projects/{id} latency at N concurrent clients while an ingestion runs in the same
 * process (a worker thread, as inside `rag serve`). Prints p50/p90/p99/max, throughput and errors.
 * Arguments: [clients=200] [seconds=20] [warmupSeconds=5] [target=project|health]; "health"
 * measures GET /health instead, the floor set by Jetty, Javalin and the client itself.
 */
public final class LoadBench {
    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean health = args.length > 3 && args[3].equals("health");

        InMemoryRepositorySource source = new InMemoryRepositorySource();
        HashingEmbedder embedder = new HashingEmbedder(384, 4000);
        // Paced batches keep the ingestion running for the whole measurement: ~560 batches at least
        // 80 ms apart take ~45 s, more than the default warm-up and window (25 s) on a quiet machine.
        RagSettings settings = RagSettings.defaults().toBuilder()
                .batch(new BatchPolicy(5, 100_000, Duration.ofMillis(80), 1))
                .pollInterval(Duration.ofMillis(50)).build();
        RepoRag rag = RepoRag.builder().source(source).embedder(embedder)
                .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository()).settings(settings).build();
        String repo = "https://github.com/acme/big.git";
        source.commit(repo, files(400));
        for (int i = 0; i < 20; i++) {
            rag.register("other-" + i, repo, null);
        }
        Project project = rag.register("big", repo, null);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Javalin app = RagHttpServer.create(rag, HttpSettings.defaults(), registry).start("127.0.0.1", 0);
        Worker worker = rag.newWorker("bench", 1, IngestionListener.NONE);
        worker.start();
        rag.requestIngestion(project.id());

        URI uri = URI.create("http://127.0.0.1:" + app.port()
                + (health ? "/health" : "/api/projects/" + project.id().value()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long[][] holder = {new long[1 << 14]};
            int[] count = {0};
            Thread thread = new Thread(() -> {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
                while (running.get()) {
                    long start = System.nanoTime();
                    boolean ok;
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        ok = response.statusCode() == 200 && response.body().contains("\"status\"");
                    } catch (Exception e) {
                        ok = false;
                    }
                    long took = System.nanoTime() - start;
                    if (measuring.get()) {
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                        if (count[0] == holder[0].length) {
                            holder[0] = Arrays.copyOf(holder[0], holder[0].length * 2);
                        }
                        holder[0][count[0]++] = took;
                    }
                }
                synchronized (perClient) {
                    perClient.add(Arrays.copyOf(holder[0], count[0]));
                }
                done.countDown();
            }, "client-" + c);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Thread.sleep(warmup * 1000L);
        int percentAtStart = rag.status(project.id()).progress().percent();
        measuring.set(true);
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - started;
        ProjectStatus during = rag.status(project.id());
        running.set(false);
        done.await();

        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("GET %s clients=%d measured=%ds warmup=%ds requests=%d errors=%d throughput=%.0f req/s%n",
                uri.getPath(), clients, seconds, warmup, all.length, errors.get(), all.length / (elapsed / 1e9));
        System.out.printf("latency ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f%n", pct(all, 50), pct(all, 90),
                pct(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        System.out.printf("ingestion during measurement: %s, %d%% -> %d%% (%d of %d chunks stored)%n",
                during.status(), percentAtStart, during.progress().percent(), during.progress().chunksDone(),
                during.progress().chunksTotal());
        System.out.printf("jvm: %d processors, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        worker.stop(Duration.ofSeconds(10));
        app.stop();
        rag.close();
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static Map<String, String> files(int count) {
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < count; f++) {
            StringBuilder text = new StringBuilder("package big;\n\nclass Part" + f + " {\n");
            for (int i = 0; i < 120; i++) {
                text.append("    long field").append(i).append(" = weigh(").append(f * 1000 + i).append(", \"label ")
                        .append(i).append("\");\n");
            }
            files.put("src/big/Part" + f + ".java", text.append("}\n").toString());
        }
        return files;
    }
}

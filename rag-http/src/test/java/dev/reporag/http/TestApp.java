package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.ingest.Worker;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.JobRepository;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A RepoRag on in-memory adapters behind the real HTTP app on a random local port. */
final class TestApp implements AutoCloseable {
    static final String TOKEN = "test-admin-token-5f1c";
    static final String REPO = "https://github.com/acme/shop.git";

    final InMemoryRepositorySource source;
    final HashingEmbedder embedder;
    final InMemoryVectorStore store;
    final JobRepository jobs;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final RepoRag rag;
    final Javalin app;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();
    private Worker worker;

    record Response(int status, JsonNode body, String text, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    TestApp(HttpSettings settings, AnswerModel answerModel, RagSettings ragSettings) {
        this(settings, answerModel, ragSettings, new InMemoryJobRepository());
    }

    TestApp(HttpSettings settings, AnswerModel answerModel, RagSettings ragSettings, JobRepository jobs) {
        this(settings, answerModel, ragSettings, jobs, new InMemoryRepositorySource(), new HashingEmbedder(64, 4000),
                new InMemoryVectorStore(64));
    }

    private TestApp(HttpSettings settings, AnswerModel answerModel, RagSettings ragSettings, JobRepository jobs,
                    InMemoryRepositorySource source, HashingEmbedder embedder, InMemoryVectorStore store) {
        this.jobs = jobs;
        this.source = source;
        this.embedder = embedder;
        this.store = store;
        rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).answerModel(answerModel)
                .settings(ragSettings).build();
        app = RagHttpServer.create(rag, settings, registry).start("127.0.0.1", 0);
    }

    static TestApp start(HttpSettings settings) {
        return new TestApp(settings, null, fastSettings().build());
    }

    static RagSettings.Builder fastSettings() {
        return RagSettings.defaults().toBuilder().pollInterval(Duration.ofMillis(20))
                .progressInterval(Duration.ofMillis(10));
    }

    static HttpSettings settings() {
        return HttpSettings.defaults().withAdminToken(TOKEN).withSsePollInterval(Duration.ofMillis(50));
    }

    /**
     * A second service on the same data, configured with another embedding model of {@code dimension}
     * dimensions: as after a change of RAG_EMBEDDING_MODEL.
     */
    TestApp withModel(String modelId, int dimension) {
        return new TestApp(settings(), null, fastSettings().build(), jobs, source, new HashingEmbedder(dimension, 4000),
                store.forModel(new dev.reporag.core.model.EmbeddingModel(modelId, dimension)));
    }

    void startWorker() {
        worker = rag.newWorker("test-worker", 1, IngestionListener.NONE);
        worker.start();
    }

    /** Leaves the jobs to the test, as if only workers in other processes ran them. */
    void stopWorker() {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(5));
            worker = null;
        }
    }

    String base() {
        return "http://127.0.0.1:" + app.port();
    }

    /** Commits a small shop repository with a distinctive function to ask about. */
    void commitShop(String repo) {
        commitShop(repo, 0);
    }

    /** The shop with {@code extraFiles} more files of filler code, for a longer ingestion. */
    void commitShop(String repo, int extraFiles) {
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < extraFiles; f++) {
            StringBuilder text = new StringBuilder("package util;\n\nclass Helper" + f + " {\n");
            for (int i = 0; i < 40; i++) {
                text.append("    long weight").append(i).append(" = scale(").append(f * 100 + i).append(");\n");
            }
            files.put("src/util/Helper" + f + ".java", text.append("}\n").toString());
        }
        StringBuilder cart = new StringBuilder("package cart;\n\nclass Cart {\n");
        for (int i = 0; i < 60; i++) {
            cart.append("    // cart detail number ").append(i).append('\n');
        }
        cart.append("    Money total() {\n        return items.stream().map(Item::price).reduce(Money.ZERO, Money::plus);\n")
                .append("    }\n}\n");
        files.put("src/cart/Cart.java", cart.toString());
        files.put("src/config/ConfigLoader.java", "package config;\n\nclass ConfigLoader {\n"
                + "    static Config parseConfigFile(Path path) throws IOException {\n"
                + "        return Config.of(Files.readString(path));\n    }\n}\n");
        source.commit(repo, files);
    }

    String createProject(String name, String repo) {
        Response created = post("/api/projects", Map.of("name", name, "repoUrl", repo), TOKEN);
        if (created.status() != 201) {
            throw new AssertionError("create failed: " + created.status() + " " + created.text());
        }
        return created.body().get("id").asText();
    }

    /** Polls the project until its status is {@code status}. */
    JsonNode awaitStatus(String id, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get("/api/projects/" + id).body();
            if (status.equals(last.path("status").asText())) {
                return last;
            }
            sleep(20);
        }
        throw new AssertionError("project " + id + " did not become " + status + "; last: " + last);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET(), null);
    }

    Response post(String path, Object body, String token) {
        return postRaw(path, write(body), token, Map.of());
    }

    Response postRaw(String path, String body, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request, token);
    }

    Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).DELETE(), token);
    }

    Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !response.body().isEmpty()) {
                body = json.readTree(response.body());
            }
            return new Response(response.statusCode(), body, response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException("request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String write(Object body) {
        try {
            return body instanceof String s ? s : json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(5));
        }
        app.stop();
        rag.close();
    }
}

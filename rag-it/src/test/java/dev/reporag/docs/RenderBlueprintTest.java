package dev.reporag.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.cli.CliHarness;
import dev.reporag.docs.Deployment.Dockerfile;
import dev.reporag.docs.Deployment.Service;
import dev.reporag.pgvector.TestSchema;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Render blueprints run here as far as they can without Render: each service's command, with
 * its variables and the image's JVM flags, as a real process against a real PostgreSQL with
 * pgvector, in a database of its own reached through Render's postgres:// URL form.
 *
 * <p>What stands in for Render: DATABASE_URL is the test database; there is no OpenAI key, so
 * RAG_EMBEDDER=openai becomes the test embedder; the repository is a local one made by the test,
 * so local sources are allowed and the host allowlist is left out; the generated admin token is
 * a random one; PORT is a free port; RAG_HOME is a temporary directory (the image's /data).
 * The server is the tests' one ({@link TestSchema#serverUrl()}): without PostgreSQL the test fails; it
 * never skips.
 */
class RenderBlueprintTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String database = "reporag_render_" + UUID.randomUUID().toString().substring(0, 8);
    private final String token = UUID.randomUUID().toString();
    private final List<Process> processes = new ArrayList<>();
    private Path repo;

    @BeforeEach
    void createDatabaseAndRepository() throws Exception {
        try (Connection c = TestSchema.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        repo = tmp.resolve("shop");
        Files.createDirectories(repo.resolve("src"));
        Files.writeString(repo.resolve("src/Cart.java"), "class Cart {\n    /** Sums the prices. */\n"
                + "    Money total() { return items.stream().map(Item::price).reduce(Money.ZERO, Money::plus); }\n}\n");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("shop").setAuthor("T", "t@example.com").setCommitter("T", "t@example.com")
                    .setSign(false).call();
        }
    }

    @AfterEach
    void stopAndDrop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        try (Connection c = TestSchema.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void webWorkerAndCronOfRenderYamlWorkTogetherOnOnePostgres() throws Exception {
        var blueprint = Deployment.renderYaml();
        Service web = blueprint.service("web");
        Service worker = blueprint.service("worker");
        Service cron = blueprint.service("cron");

        // A release step first, as a pre-deploy command would: the schema, pgvector included.
        CliHarness.Result migrate = CliHarness.run(environment(web), "", "migrate");
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        assertThat(migrate.out()).contains("the database schema is up to date");

        Started webProcess = start(web, "serving on http://localhost:");
        String base = "http://127.0.0.1:" + webProcess.port;
        start(worker, "running on the PostgreSQL");

        String shop = addAndIngest(base, "shop");
        JsonNode ready = awaitStatus(base, shop, "READY", webProcess);
        assertThat(ready.get("chunks").asInt()).isPositive();
        assertThat(get(base + "/health").statusCode()).isEqualTo(200);
        assertThat(get(base + "/ready").statusCode()).isEqualTo(200);
        assertThat(get(base + "/metrics").body()).contains("rag_jobs{status=\"READY\"} 1.0");
        HttpResponse<String> answer = post(base + "/api/projects/" + shop + "/ask",
                "{\"question\": \"how is the total computed?\"}", false);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("src/Cart.java:1-");

        // The worker stops (SIGTERM); a project added meanwhile waits, and the cron job runs it.
        Process workerProcess = processes.get(1);
        workerProcess.destroy();
        assertThat(workerProcess.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The same repository at its branch by name: another project (the same source and ref would be "shop").
        String other = addAndIngest(base, "other", "main");
        assertThat(status(base, other).get("status").asText()).isEqualTo("PENDING");
        CliHarness.Result tick = CliHarness.run(environment(cron), "", cron.command().toArray(String[]::new));
        assertThat(tick.exitCode()).as(tick.toString()).isZero();
        assertThat(tick.out()).contains("processed 1 project(s): 1 READY, 0 FAILED");
        assertThat(status(base, other).get("status").asText()).isEqualTo("READY");

        // The sync cron: nothing moved, nothing queued; a push to the branch queues both projects of it.
        Service sync = blueprint.services().stream().filter(s -> s.name().equals("repo-rag-sync")).findFirst()
                .orElseThrow();
        CliHarness.Result quiet = CliHarness.run(environment(sync), "", sync.command().toArray(String[]::new));
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out()).contains("synced 2 project(s): 0 to re-index, 2 up to date");
        Files.writeString(repo.resolve("src/Refunds.java"), "class Refunds { void refund() {} }\n");
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("refunds").setAuthor("T", "t@example.com").setCommitter("T", "t@example.com")
                    .setSign(false).call();
        }
        CliHarness.Result moved = CliHarness.run(environment(sync), "", sync.command().toArray(String[]::new));
        assertThat(moved.out()).as(moved.toString()).contains("synced 2 project(s): 2 to re-index");
        assertThat(status(base, shop).get("remoteMoved").asBoolean()).isTrue();
        CliHarness.Result next = CliHarness.run(environment(cron), "", cron.command().toArray(String[]::new));
        assertThat(next.out()).as(next.toString()).contains("processed 2 project(s): 2 READY, 0 FAILED");
        assertThat(status(base, shop).get("remoteMoved").asBoolean()).isFalse();
    }

    @Test
    void theFreeTierWebServiceIndexesWithItsInProcessWorkerUnderTheMemoryFlags() throws Exception {
        Service web = Deployment.freeTier().service("web");
        assertThat(web.values()).containsKey("JAVA_TOOL_OPTIONS");
        Started webProcess = start(web, "serving on http://localhost:");
        String base = "http://127.0.0.1:" + webProcess.port;
        String shop = addAndIngest(base, "shop");
        awaitStatus(base, shop, "READY", webProcess);
        assertThat(webProcess.log.toString()).contains("Picked up JAVA_TOOL_OPTIONS: -Xmx300m");
    }

    // --- the services as processes ------------------------------------------------------------------

    private record Started(int port, StringBuilder log) {
    }

    /** The service's variables as Render would set them, with the stand-ins this class describes. */
    private Map<String, String> environment(Service service) throws Exception {
        Map<String, String> env = new HashMap<>(service.values());
        env.put("DATABASE_URL", renderUrl());
        env.put("RAG_EMBEDDER", "hashing");
        env.put("RAG_ALLOW_LOCAL_SOURCES", "true");
        env.remove("RAG_ALLOWED_HOSTS");
        env.put("RAG_HOME", tmp.resolve("data-" + service.name()).toString());
        if (service.generated().contains("RAG_ADMIN_TOKEN")) {
            env.put("RAG_ADMIN_TOKEN", token);
        }
        return env;
    }

    /** Starts the service's command as the image would (its ENTRYPOINT flags), on the test classpath. */
    private Started start(Service service, String readyLine) throws Exception {
        Dockerfile docker = Dockerfile.read();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(docker.jvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.reporag.cli.Main"));
        command.addAll(service.command());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment(service));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        processes.add(process);
        StringBuilder log = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        boolean up = false;
        while (!up && (line = out.readLine()) != null) {
            log.append(line).append('\n');
            up = line.contains(readyLine);
        }
        assertThat(up).as(service.name() + " started:\n" + log).isTrue();
        Thread drain = new Thread(() -> out.lines().forEach(l -> {
            synchronized (log) {
                log.append(l).append('\n');
            }
        }));
        drain.setDaemon(true);
        drain.start();
        return new Started(port, log);
    }

    private String addAndIngest(String base, String name) throws Exception {
        return addAndIngest(base, name, null);
    }

    private String addAndIngest(String base, String name, String ref) throws Exception {
        Map<String, String> body = new HashMap<>(Map.of("name", name, "repoUrl", repo.toString()));
        if (ref != null) {
            body.put("ref", ref);
        }
        HttpResponse<String> created = post(base + "/api/projects", JSON.writeValueAsString(body), true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> ingest = post(base + "/api/projects/" + id + "/ingest", "", true);
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);
        return id;
    }

    private JsonNode awaitStatus(String base, String id, String wanted, Started web) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        JsonNode project = status(base, id);
        while (!project.get("status").asText().equals(wanted) && Instant.now().isBefore(deadline)) {
            assertThat(project.get("status").asText()).as(project + "\n" + web.log).isNotEqualTo("FAILED");
            Thread.sleep(200);
            project = status(base, id);
        }
        assertThat(project.get("status").asText()).as(project + "\n" + web.log).isEqualTo(wanted);
        return project;
    }

    private JsonNode status(String base, String id) throws Exception {
        return JSON.readTree(get(base + "/api/projects/" + id).body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body, boolean admin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- the database -------------------------------------------------------------------------------

    /** The test database in Render's form, postgres://user[:password]@host:port/database. */
    private String renderUrl() {
        URI uri = URI.create(TestSchema.serverUrl().substring("jdbc:".length()));
        Map<String, String> query = new HashMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        String user = query.getOrDefault("user", "postgres")
                + (query.containsKey("password") ? ":" + query.get("password") : "");
        return "postgres://" + user + "@" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort())
                + "/" + database;
    }
}

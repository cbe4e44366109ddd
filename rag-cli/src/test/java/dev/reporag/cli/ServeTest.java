package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** `rag serve` as users run it: a real process, the composition root, HTTP, in-process workers, SIGTERM. */
class ServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void servesTheApiWithInProcessWorkersAndStopsOnSigterm() throws Exception {
        Path repo = TestRepos.create(tmp.resolve("shop"), TestRepos.shop());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.reporag.cli.Main",
                "serve", "--port", "0", "--host", "127.0.0.1", "--workers", "2");
        builder.environment().put("RAG_HOME", tmp.resolve("home").toString());
        builder.environment().put("RAG_EMBEDDER", "hashing");
        builder.environment().put("RAG_ALLOW_LOCAL_SOURCES", "true");
        builder.environment().put("RAG_SYNC_INTERVAL", "10s");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        StringBuilder log = new StringBuilder();
        Thread drain = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = -1;
            Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+) with 2 in-process worker");
            String line;
            while (port < 0 && (line = out.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as(log.toString()).isPositive();
            assertThat(log.toString()).as("a server told to fetch local paths says it once")
                    .containsOnlyOnce("RAG_ALLOW_LOCAL_SOURCES=true: local paths, file://, http:// and loopback hosts"
                            + " can be fetched");
            drain = new Thread(() -> out.lines().forEach(l -> {
                synchronized (log) {
                    log.append(l).append('\n');
                }
            }));
            drain.setDaemon(true);
            drain.start();
            String base = "http://127.0.0.1:" + port;

            assertThat(get(base + "/health").body()).contains("ok");
            HttpResponse<String> created = post(base + "/api/projects",
                    "{\"name\":\"shop\",\"repoUrl\":\"" + repo.toString().replace("\\", "\\\\") + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).get("id").asText();
            assertThat(post(base + "/api/projects/" + id + "/ingest", "").statusCode()).isEqualTo(202);

            JsonNode project = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                project = JSON.readTree(get(base + "/api/projects/" + id).body());
                if (!project.get("status").asText().matches("PENDING|PROCESSING")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(project.get("status").asText()).as(project.toString()).isEqualTo("READY");
            assertThat(project.get("progress").asInt()).isEqualTo(100);

            HttpResponse<String> answer = post(base + "/api/projects/" + id + "/ask",
                    "{\"question\":\"where is parseConfigFile?\"}");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).get("citations").get(0).get("path").asText())
                    .isEqualTo("src/shop/ConfigLoader.java");
            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("rag_jobs{status=\"READY\"} 1.0")
                    .contains("rag_jobs_finished_total{outcome=\"READY\"} 1.0")
                    .containsPattern("rag_project_last_processing_seconds\\{project=\"shop\"} \\d")
                    // The JVM's and the process's resources, for the platform's alerts.
                    .containsPattern("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} \\d")
                    .contains("jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                            "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count",
                            "process_uptime_seconds", "process_files_open_files");

            // RAG_SYNC_INTERVAL: a commit to the branch is seen by the next sync and indexed by the workers.
            TestRepos.commit(repo, java.util.Map.of("src/shop/Refunds.java", "class Refunds { void refund() {} }\n"),
                    "refunds");
            String moved;
            try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(repo.toFile())) {
                moved = git.getRepository().resolve("HEAD").name();
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                project = JSON.readTree(get(base + "/api/projects/" + id).body());
                if (moved.equals(project.path("indexedCommit").asText())) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(project.path("indexedCommit").asText()).as(project.toString()).isEqualTo(moved);
            assertThat(project.path("remoteCommit").asText()).isEqualTo(moved);
            synchronized (log) {
                assertThat(log.toString()).contains("syncing READY projects with their remotes every 10 s")
                        .containsPattern("sync: shop: index at [0-9a-f]{7}, ref at " + moved.substring(0, 7)
                                + ": re-index queued");
            }
        } finally {
            // SIGTERM, as a platform sends it (Process.destroy would also close our end of its output).
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).isTrue();
            if (drain != null) {
                drain.join(5000);
            }
        }
        synchronized (log) {
            assertThat(log.toString()).as("exit " + process.exitValue()).contains("Javalin has stopped")
                    .doesNotContain("Exception");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.reporag.http;

import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.reporag.http.ProjectApiTest.assertError;
import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

class OperationsTest {
    private TestApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void healthAndReadinessFollowTheStore() {
        FlakyJobRepository jobs = new FlakyJobRepository();
        app = new TestApp(TestApp.settings(), null, TestApp.fastSettings().build(), jobs);

        assertThat(app.get("/health").body().get("status").asText()).isEqualTo("ok");
        assertThat(app.get("/ready").status()).isEqualTo(200);

        jobs.down = true;
        assertError(app.get("/ready"), 503, "not reachable");
        assertThat(app.get("/health").status()).isEqualTo(200);
        // A store failure in the API is a 503 saying to try again, without the store's own message
        // (a database's can name SQL).
        assertError(app.get("/api/projects"), 503, "the database is not available right now");
        assertThat(app.get("/api/projects").body().toString()).doesNotContain("refused the connection");

        jobs.down = false;
        assertThat(app.get("/ready").status()).isEqualTo(200);
    }

    @Test
    void metricsShowJobsChunksProcessingTimeRequestsAndTheCallersMeters() {
        app = TestApp.start(TestApp.settings());
        Counter embeddingRequests = Counter.builder("rag.embedding.requests").register(app.registry);
        embeddingRequests.increment(3);
        app.commitShop(REPO);
        app.startWorker();
        String ready = app.createProject("shop", REPO);
        String idle = app.createProject("idle", "https://github.com/acme/idle.git");
        app.post("/api/projects/" + ready + "/ingest", "", TOKEN);
        app.awaitStatus(ready, "READY", Duration.ofSeconds(20));
        long chunks = app.get("/api/projects/" + ready).body().get("chunks").asLong();

        TestApp.Response metrics = app.get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.text())
                .contains("rag_jobs{status=\"READY\"} 1.0")
                .contains("rag_jobs{status=\"PENDING\"} 1.0")
                .contains("rag_jobs{status=\"FAILED\"} 0.0")
                .contains("rag_chunks_stored " + chunks + ".0")
                .contains("rag_job_processing_seconds_count{outcome=\"READY\"} 1")
                .contains("rag_embedding_requests_total 3.0")
                .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",route=\"/api/projects/\\{id}\","
                        + "status=\"200\"} \\d+");
        // Scraping again does not count the same job twice.
        assertThat(app.get("/metrics").text()).contains("rag_job_processing_seconds_count{outcome=\"READY\"} 1");
        assertThat(app.get("/metrics").text()).contains("rag_jobs_finished_total{outcome=\"READY\"} 1.0")
                .contains("rag_jobs_finished_total{outcome=\"FAILED\"} 0.0")
                .containsPattern("rag_project_last_processing_seconds\\{project=\"shop\"} \\d+\\.\\d+")
                .doesNotContain("project=\"idle\"");
        assertThat(idle).isNotEqualTo(ready);
    }

    @Test
    void everyFailureIsCountedAlsoWhenRetriedBeforeTheNextScrape() {
        app = TestApp.start(TestApp.settings());
        app.startWorker();
        String id = app.createProject("ghost", "https://github.com/acme/missing.git");
        app.get("/metrics");
        for (int i = 0; i < 3; i++) {
            app.post("/api/projects/" + id + "/" + (i == 0 ? "ingest" : "retry"), "", TOKEN);
            app.awaitStatus(id, "FAILED", Duration.ofSeconds(20));
        }
        app.commitShop("https://github.com/acme/missing.git");
        app.post("/api/projects/" + id + "/retry", "", TOKEN);
        app.awaitStatus(id, "READY", Duration.ofSeconds(20));

        String metrics = app.get("/metrics").text();

        assertThat(metrics).contains("rag_jobs_finished_total{outcome=\"FAILED\"} 3.0")
                .contains("rag_jobs_finished_total{outcome=\"READY\"} 1.0")
                .as("the timer sees only the latest job of each project at a scrape")
                .contains("rag_job_processing_seconds_count{outcome=\"READY\"} 1")
                .doesNotContain("rag_job_processing_seconds_count{outcome=\"FAILED\"} 3");
        app.delete("/api/projects/" + id, TOKEN);
        assertThat(app.get("/metrics").text()).contains("rag_jobs_finished_total{outcome=\"FAILED\"} 3.0")
                .doesNotContain("project=\"ghost\"");
    }

    @Test
    void chunkedBodiesOverTheLimitAreRefusedToo() {
        app = TestApp.start(TestApp.settings().withMaxBodyBytes(2048));
        byte[] body = ("{\"name\":\"" + "x".repeat(5000) + "\",\"repoUrl\":\"" + REPO + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        TestApp.Response response = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), TOKEN);

        assertError(response, 413, "larger than 2048 bytes");
        assertThat(app.get("/api/projects").body()).isEmpty();
    }
}

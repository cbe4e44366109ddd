package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static dev.reporag.http.TestApp.map;
import static org.assertj.core.api.Assertions.assertThat;

class ProjectApiTest {
    private TestApp app;

    @BeforeEach
    void start() {
        app = TestApp.start(TestApp.settings());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void createsAProjectAndShowsItAsPending() {
        TestApp.Response created = app.post("/api/projects", map("name", "shop", "repoUrl", REPO, "ref", "main"), TOKEN);

        assertThat(created.status()).isEqualTo(201);
        JsonNode project = created.body();
        String id = project.get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/projects/" + id);
        assertThat(project.get("name").asText()).isEqualTo("shop");
        assertThat(project.get("repoUrl").asText()).isEqualTo(REPO);
        assertThat(project.get("ref").asText()).isEqualTo("main");
        assertThat(project.get("status").asText()).isEqualTo("PENDING");
        assertThat(project.get("progress").asInt()).isZero();
        assertThat(project.get("etaSeconds").isNull()).as("present, and null while unknown").isTrue();
        assertThat(project.get("answerable").asBoolean()).isFalse();
        assertThat(project.get("error").isNull()).isTrue();
        assertThat(project.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        assertThat(app.get("/api/projects/" + id).body().get("name").asText()).isEqualTo("shop");
        JsonNode list = app.get("/api/projects").body();
        assertThat(list.isArray()).isTrue();
        assertThat(list).extracting(n -> n.get("id").asText()).containsExactly(id);
    }

    @Test
    void rejectsInvalidProjectsWithAMessageNamingTheProblem() {
        assertError(app.post("/api/projects", map("name", "x"), TOKEN), 400, "'repoUrl' is required");
        assertError(app.post("/api/projects", map("name", 5, "repoUrl", REPO), TOKEN), 400, "'name' must be a string");
        assertError(app.post("/api/projects", map("name", "x", "repoUrl", "  "), TOKEN), 400, "repository URL is empty");
        assertError(app.post("/api/projects", map("name", "", "repoUrl", REPO), TOKEN), 400, "project name");
        assertError(app.postRaw("/api/projects", "{not json", TOKEN, Map.of()), 400, "not valid JSON");
        assertError(app.postRaw("/api/projects", "[1,2]", TOKEN, Map.of()), 400, "must be a JSON object");
        assertError(app.postRaw("/api/projects", "", TOKEN, Map.of()), 400, "must be a JSON object");

        app.createProject("shop", REPO);
        assertError(app.post("/api/projects", map("name", "shop", "repoUrl", REPO + "-other"), TOKEN), 409,
                "a project named 'shop' already exists for " + REPO);
        assertThat(app.get("/api/projects").body()).hasSize(1);
    }

    @Test
    void aProjectSentWithoutANameIsNamedAfterItsRepository() {
        TestApp.Response created = app.post("/api/projects", map("repoUrl", REPO), TOKEN);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("name").asText()).isEqualTo("shop");
    }

    @Test
    void registeringASourceAgainReturnsThatProjectWhateverTheName() {
        String id = app.createProject("shop", REPO);

        TestApp.Response again = app.post("/api/projects", map("name", "another-name", "repoUrl", REPO), TOKEN);

        assertThat(again.status()).as("found, not created").isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(id);
        assertThat(again.body().get("name").asText()).isEqualTo("shop");
        assertThat(again.header("Location")).isEqualTo("/api/projects/" + id);
        TestApp.Response otherRef = app.post("/api/projects", map("name", "shop-dev", "repoUrl", REPO, "ref", "dev"),
                TOKEN);
        assertThat(otherRef.status()).as("another ref is another project").isEqualTo(201);
        assertThat(app.get("/api/projects").body()).hasSize(2);
    }

    @Test
    void refusesBodiesOverTheLimit() {
        String big = "x".repeat((int) HttpSettings.DEFAULT_MAX_BODY_BYTES + 1);
        TestApp.Response response = app.post("/api/projects", map("name", big, "repoUrl", REPO), TOKEN);

        assertError(response, 413, "larger than");
        assertThat(app.get("/api/projects").body()).isEmpty();
    }

    @Test
    void everyRefusalOfABodyOverTheLimitReachesTheClient() {
        // Refused unread, the body used to be left on the connection: closing it reset the socket and
        // about one client in twenty got no answer at all. Read off, the connection is kept.
        for (int i = 0; i < 60; i++) {
            String big = "x".repeat((int) HttpSettings.DEFAULT_MAX_BODY_BYTES + 1 + i * 7_000);
            TestApp.Response response = app.post("/api/projects", map("name", big, "repoUrl", REPO), TOKEN);

            assertError(response, 413, "larger than");
            assertThat(response.header("Connection")).as("request %d", i).isNull();
        }
        assertThat(app.get("/api/projects").body()).isEmpty();
    }

    @Test
    void unknownProjectsAndRoutesAre404WithAJsonError() {
        assertError(app.get("/api/projects/" + ProjectId.random()), 404, "no project with id");
        assertError(app.get("/api/projects/not%20an%20id"), 404, "no project with id");
        assertError(app.post("/api/projects/" + ProjectId.random() + "/ingest", "{}", TOKEN), 404, "no project");
        assertError(app.delete("/api/projects/" + ProjectId.random(), TOKEN), 404, "no project");
        assertError(app.post("/api/projects/" + ProjectId.random() + "/ask", map("question", "what is this?"), null),
                404, "no project");
        assertError(app.get("/api/nothing-here"), 404, "not found");
    }

    @Test
    void concurrentIngestRequestsYieldOneJob() throws Exception {
        String id = app.createProject("shop", REPO);
        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestApp.Response>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Callable<TestApp.Response> call = () -> {
                go.await();
                return app.post("/api/projects/" + id + "/ingest", "", TOKEN);
            };
            futures.add(pool.submit(call));
        }
        go.countDown();
        Set<String> jobIds = new HashSet<>();
        for (Future<TestApp.Response> future : futures) {
            TestApp.Response response = future.get();
            assertThat(response.status()).isEqualTo(202);
            assertThat(response.body().get("status").asText()).isEqualTo("PENDING");
            assertThat(response.body().get("projectId").asText()).isEqualTo(id);
            jobIds.add(response.body().get("id").asText());
        }
        pool.shutdown();

        assertThat(jobIds).hasSize(1);
        assertThat(app.get("/api/projects/" + id).body().get("jobId").asText()).isEqualTo(jobIds.iterator().next());
    }

    @Test
    void showsTheEstimateOfTheWorkerRunningTheJobWhileItIsProcessing() {
        String id = app.createProject("shop", REPO);
        TestApp.Response queued = app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        assertThat(queued.body().get("etaSeconds").isNull()).isTrue();
        // A worker in another process: this server only reads what it saved.
        JobId job = new JobId(queued.body().get("id").asText());
        Instant now = Instant.now();
        app.jobs.claim("other-process", now, Duration.ofMinutes(1), 3).orElseThrow();
        app.jobs.saveProgress(job, "other-process", new Progress(10, 4, 0, 40, 16, 16, 40, 754), null, now);

        JsonNode processing = app.get("/api/projects/" + id).body();
        assertThat(processing.get("status").asText()).isEqualTo("PROCESSING");
        assertThat(processing.get("etaSeconds").asLong()).isEqualTo(754);
        assertThat(app.post("/api/projects/" + id + "/ingest", "", TOKEN).body().get("etaSeconds").asLong())
                .as("the job view").isEqualTo(754);

        app.jobs.finish(job, "other-process", new JobOutcome.Failed("boom"), now.plusSeconds(1));
        assertThat(app.get("/api/projects/" + id).body().get("etaSeconds").isNull()).isTrue();
    }

    @Test
    void aWorkerThatStoppedRenewingItsLeaseHasNoEstimate() {
        String id = app.createProject("shop", REPO);
        JobId job = new JobId(app.post("/api/projects/" + id + "/ingest", "", TOKEN).body().get("id").asText());
        // Claimed two minutes ago for one minute, never renewed: its worker is gone.
        Instant then = Instant.now().minus(Duration.ofMinutes(2));
        app.jobs.claim("dead-process", then, Duration.ofMinutes(1), 3).orElseThrow();
        app.jobs.saveProgress(job, "dead-process", new Progress(10, 4, 0, 40, 16, 16, 40, 754), null, then);

        JsonNode project = app.get("/api/projects/" + id).body();
        assertThat(project.get("status").asText()).isEqualTo("PROCESSING");
        assertThat(project.get("progress").asInt()).isEqualTo(40);
        assertThat(project.get("etaSeconds").isNull()).as("the dead worker's estimate is stale").isTrue();
        assertThat(app.post("/api/projects/" + id + "/ingest", "", TOKEN).body().get("etaSeconds").isNull())
                .as("the job view").isTrue();
    }

    @Test
    void ingestionRunsOnTheWorkerAndTheProjectBecomesAnswerable() {
        app.commitShop(REPO);
        String id = app.createProject("shop", REPO);

        TestApp.Response accepted = app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        assertThat(accepted.status()).isEqualTo(202);
        // No worker runs yet: the request only enqueued.
        TestApp.sleep(200);
        JsonNode pending = app.get("/api/projects/" + id).body();
        assertThat(pending.get("status").asText()).isEqualTo("PENDING");
        assertThat(pending.get("waitingFor").asText()).isEqualTo("queued; waiting for a worker — none has been seen yet");
        assertThat(pending.get("indexedFiles").isNull()).as("nothing answers yet").isTrue();

        app.startWorker();
        JsonNode ready = app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        assertThat(ready.get("waitingFor").isNull()).isTrue();
        assertThat(ready.get("indexedFiles").asInt()).isEqualTo(2);
        assertThat(ready.get("indexedChunks").asLong()).isEqualTo(ready.get("chunks").asLong());
        assertThat(ready.get("indexedCommit").asText()).isEqualTo(ready.get("commit").asText());
        assertThat(ready.get("progress").asInt()).isEqualTo(100);
        assertThat(ready.get("etaSeconds").isNull()).isTrue();
        assertThat(ready.get("files").asInt()).isEqualTo(2);
        assertThat(ready.get("chunks").asLong()).isPositive().isEqualTo(app.store.count(new ProjectId(id)));
        assertThat(ready.get("commit").asText()).hasSize(40);
        assertThat(ready.get("answerable").asBoolean()).isTrue();

        TestApp.Response answer = app.post("/api/projects/" + id + "/ask", map("question", "where is parseConfigFile?"), null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("answer").asText()).contains("parseConfigFile");
        JsonNode citation = answer.body().get("citations").get(0);
        assertThat(citation.get("path").asText()).isEqualTo("src/config/ConfigLoader.java");
        assertThat(citation.get("url").asText()).startsWith("https://github.com/acme/shop/blob/");
        assertThat(citation.get("label").asText()).startsWith("src/config/ConfigLoader.java:");
        String conversation = answer.body().get("conversationId").asText();

        TestApp.Response followUp = app.post("/api/projects/" + id + "/ask",
                map("question", "and how is the cart total computed?", "conversationId", conversation), null);
        assertThat(followUp.status()).isEqualTo(200);
        assertThat(followUp.body().get("conversationId").asText()).isEqualTo(conversation);

        assertError(app.post("/api/projects/" + id + "/ask", map("question", "x?", "conversationId", "nope"), null),
                404, "no conversation");
        assertError(app.post("/api/projects/" + id + "/ask", map("question", " "), null), 400, "question is empty");
    }

    @Test
    void duringAReIndexTheJobsCountersAndTheAnsweringIndexAreShownApart() {
        app.commitShop(REPO);
        String id = app.createProject("shop", REPO);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.startWorker();
        JsonNode ready = app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        app.stopWorker();

        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        JsonNode reindexing = app.get("/api/projects/" + id).body();

        assertThat(reindexing.get("status").asText()).isEqualTo("PENDING");
        assertThat(reindexing.get("files").asInt()).as("the new job has counted nothing yet").isZero();
        assertThat(reindexing.get("chunks").asLong()).isZero();
        assertThat(reindexing.get("answerable").asBoolean()).isTrue();
        assertThat(reindexing.get("indexedFiles").asInt()).isEqualTo(ready.get("files").asInt());
        assertThat(reindexing.get("indexedChunks").asLong()).isEqualTo(ready.get("chunks").asLong()).isPositive();
        assertThat(reindexing.get("indexedCommit").asText()).isEqualTo(ready.get("commit").asText());
        assertThat(reindexing.get("waitingFor").asText()).as("the stopped worker was seen a moment ago")
                .isEqualTo("queued; a worker is running and will start it");
    }

    @Test
    void aProjectsOwnIncludeAndExcludeAreKeptShownAndAppliedByItsNextIndex() {
        app.source.commit(REPO, Map.of("src/App.java", "class App {}\n", "docs/guide.md", "# guide\n",
                "examples/Demo.java", "class Demo {}\n", "docs/.env", "KEY=1\n"));
        TestApp.Response created = app.post("/api/projects", map("repoUrl", REPO, "include", List.of("docs/**")),
                TOKEN);
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asText();
        assertThat(created.body().get("include")).extracting(JsonNode::asText).containsExactly("docs/**");
        assertThat(created.body().get("exclude")).isEmpty();
        assertThat(app.get("/api/projects/" + id + "/estimate").body().get("filesKept").asInt())
                .as("App, Demo and the guide; never the .env").isEqualTo(3);

        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.startWorker();
        app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        assertThat(app.get("/api/projects/" + id + "/skipped").body().get("files"))
                .extracting(f -> f.get("path").asText()).containsExactly("docs/.env");

        // Sent again, a list replaces the project's (the one not sent is kept), as a comma-separated string too.
        TestApp.Response changed = app.post("/api/projects", map("repoUrl", REPO, "exclude", "examples/**, *.{md,txt}"),
                TOKEN);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("id").asText()).isEqualTo(id);
        assertThat(changed.body().get("include")).extracting(JsonNode::asText).containsExactly("docs/**");
        assertThat(changed.body().get("exclude")).extracting(JsonNode::asText).containsExactly("examples/**",
                "*.{md,txt}");
        assertThat(app.get("/api/projects/" + id + "/estimate").body().get("filesKept").asInt())
                .as("the estimate kept before is worked out again under the new rules; an include wins over *.md")
                .isEqualTo(2);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        JsonNode again = app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        assertThat(again.get("files").asInt()).as("files indexed").isEqualTo(2);
        assertThat(app.get("/api/projects/" + id + "/skipped").body().get("files"))
                .extracting(f -> f.get("path").asText())
                .containsExactlyInAnyOrder("docs/.env", "examples/Demo.java");

        assertError(app.post("/api/projects", map("repoUrl", REPO, "include", 5), TOKEN), 400,
                "'include' must be a list of strings");
        assertError(app.post("/api/projects", map("repoUrl", REPO, "exclude", List.of("docs/{a,b")), TOKEN), 400,
                "unbalanced braces");
        assertThat(app.get("/api/projects/" + id).body().get("exclude")).as("nothing changed by a refused request")
                .hasSize(2);
    }

    @Test
    void listsSkippedFilesWithCountsByRuleAndPages() {
        app.source.commit(REPO, Map.of("src/App.java", "class App {}\n", "docs/guide.md", "# guide\n",
                "docs/more.md", "# more\n", ".env", "KEY=1\n", "src/data.dat", "ab\u0000cd"));
        String id = app.createProject("shop", REPO);
        JsonNode none = app.get("/api/projects/" + id + "/skipped").body();
        assertThat(none.get("total").asInt()).as("before any job").isZero();
        assertThat(none.get("jobId").isNull()).isTrue();
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.startWorker();
        JsonNode ready = app.awaitStatus(id, "READY", Duration.ofSeconds(20));

        JsonNode skipped = app.get("/api/projects/" + id + "/skipped").body();

        assertThat(skipped.get("projectId").asText()).isEqualTo(id);
        assertThat(skipped.get("jobId").asText()).isEqualTo(ready.get("jobId").asText());
        assertThat(skipped.get("commit").asText()).isEqualTo(ready.get("commit").asText());
        assertThat(skipped.get("total").asInt()).isEqualTo(ready.get("skipped").asInt()).isEqualTo(4);
        assertThat(skipped.get("counts")).extracting(c -> c.get("reason").asText() + "=" + c.get("count").asInt())
                .containsExactly("EXCLUDED_PATH=2", "SECRET=1", "BINARY=1");
        assertThat(skipped.get("counts").get(0).get("rule").asText()).isEqualTo("excluded by path pattern");
        assertThat(skipped.get("files")).extracting(f -> f.get("path").asText())
                .containsExactlyInAnyOrder(".env", "docs/guide.md", "docs/more.md", "src/data.dat");
        JsonNode binary = app.get("/api/projects/" + id + "/skipped?reason=binary").body();
        assertThat(binary.get("reason").asText()).isEqualTo("BINARY");
        assertThat(binary.get("files")).singleElement().satisfies(f -> {
            assertThat(f.get("path").asText()).isEqualTo("src/data.dat");
            assertThat(f.get("rule").asText()).isEqualTo("binary content");
            assertThat(f.get("size").asLong()).isEqualTo(5);
        });
        JsonNode page = app.get("/api/projects/" + id + "/skipped?reason=EXCLUDED_PATH&offset=1&limit=1").body();
        assertThat(page.get("files")).hasSize(1);
        assertThat(page.get("total").asInt()).as("the total counts every rule").isEqualTo(4);

        assertError(app.get("/api/projects/" + id + "/skipped?reason=nope"), 400, "'reason' must be one of");
        assertError(app.get("/api/projects/" + id + "/skipped?limit=0"), 400, "'limit' must be a whole number");
        assertError(app.get("/api/projects/" + ProjectId.random() + "/skipped"), 404, "no project");
    }

    @Test
    void askingBeforeReadyIsAConflictWithAClearMessage() {
        String id = app.createProject("shop", REPO);

        TestApp.Response response = app.post("/api/projects/" + id + "/ask", map("question", "what does it do?"), null);

        assertError(response, 409, "not ready yet");
        assertError(app.post("/api/projects/" + id + "/ask/stream", map("question", "what does it do?"), null),
                409, "not ready yet");
    }

    @Test
    void aFailedProjectShowsItsErrorAndCanBeRetried() {
        app.startWorker();
        String id = app.createProject("ghost", "https://github.com/acme/missing.git");
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);

        JsonNode failed = app.awaitStatus(id, "FAILED", Duration.ofSeconds(20));
        assertThat(failed.get("error").asText()).contains("repository not found");

        app.source.commit("https://github.com/acme/missing.git", Map.of("a.py", "def hello():\n    return 42\n"));
        TestApp.Response retried = app.post("/api/projects/" + id + "/retry", "", TOKEN);
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().get("id").asText()).isNotEqualTo(failed.get("jobId").asText());
        JsonNode ready = app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        assertThat(ready.get("error").isNull()).isTrue();

        assertError(app.post("/api/projects/" + id + "/retry", "", TOKEN), 409, "nothing to retry");
    }

    @Test
    void aModelChangeAnswersWithAClearMessageUntilTheAdminReembedsAndTheProjectSwitches() throws Exception {
        app.commitShop(REPO);
        app.startWorker();
        String id = app.createProject("shop", REPO);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        app.stopWorker();

        try (TestApp wide = app.withModel("wide-model", 96)) {
            assertThat(wide.get("/api/projects/" + id).body().get("modelSwitch").asText()).contains("run rag reembed");
            assertError(wide.post("/api/projects/" + id + "/ask", map("question", "how is the total computed?"), null),
                    409, "indexed with embedding model 'in-memory' (64 dimensions), not 'wide-model' (96 dimensions)");
            assertError(wide.post("/api/projects/" + id + "/reembed", "", null), 401, "");

            TestApp.Response started = wide.post("/api/projects/" + id + "/reembed", "", TOKEN);
            assertThat(started.status()).isEqualTo(202);
            assertThat(wide.get("/api/projects/" + id).body().get("modelSwitch").asText())
                    .isEqualTo("re-embedding for model 'wide-model' (96 dimensions): 0 %");
            // The old service keeps answering until the switch.
            assertThat(app.post("/api/projects/" + id + "/ask", map("question", "how is the total computed?"), null)
                    .status()).isEqualTo(200);
            wide.startWorker();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!wide.get("/api/projects/" + id).body().get("modelSwitch").isNull()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(wide.get("/api/projects/" + id).body().get("status").asText()).isEqualTo("READY");
            assertThat(wide.post("/api/projects/" + id + "/ask", map("question", "how is the total computed?"), null)
                    .status()).isEqualTo(200);
            assertError(app.post("/api/projects/" + id + "/ask", map("question", "how is the total computed?"), null),
                    409, "indexed with embedding model 'wide-model' (96 dimensions)");
            TestApp.Response again = wide.post("/api/projects/" + id + "/reembed", "", TOKEN);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body().get("note").asText()).contains("already answers with 'wide-model'");
        }
    }

    @Test
    void deleteRemovesTheProjectAndItsVectors() {
        app.commitShop(REPO);
        app.startWorker();
        String id = app.createProject("shop", REPO);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        assertThat(app.store.count(new ProjectId(id))).isPositive();

        TestApp.Response deleted = app.delete("/api/projects/" + id, TOKEN);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(app.store.count(new ProjectId(id))).isZero();
        assertError(app.get("/api/projects/" + id), 404, "no project");
        assertThat(app.get("/api/projects").body()).isEmpty();
    }

    static void assertError(TestApp.Response response, int status, String message) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.body().get("error").asText()).contains(message);
        assertThat(response.body().size()).isEqualTo(1);
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
    }
}

package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub route against the deliveries GitHub documents, not ones written here: every push and
 * ping example of the npm package {@code @octokit/webhooks-examples} (github.com and GitHub
 * Enterprise Server 3.1–3.5), signed here with the webhook secret. {@code scripts/test.sh} fetches
 * them ({@code scripts/setup-webhook-examples.sh}) and names them in {@code RAG_TEST_WEBHOOK_EXAMPLES};
 * without them this test fails, never skips.
 */
class GitHubWebhookExamplesTest {
    private static final String SECRET = "whsec-examples-41c7";
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestApp app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    private record Example(String host, String event, JsonNode payload) {
        String body() {
            try {
                return JSON.writeValueAsString(payload);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Example> examples(String event) throws IOException {
        String dir = System.getenv("RAG_TEST_WEBHOOK_EXAMPLES");
        assertThat(dir).as("RAG_TEST_WEBHOOK_EXAMPLES (scripts/test.sh sets it; scripts/setup-webhook-examples.sh"
                + " fetches them)").isNotBlank();
        Path root = Path.of(dir);
        List<Example> found = new ArrayList<>();
        try (Stream<Path> hosts = Files.list(root)) {
            for (Path index : hosts.map(h -> h.resolve("index.json")).filter(Files::isRegularFile).sorted().toList()) {
                for (JsonNode kind : JSON.readTree(index.toFile())) {
                    if (kind.path("name").asText().equals(event)) {
                        kind.path("examples").forEach(e -> found.add(new Example(
                                index.getParent().getFileName().toString(), event, e)));
                    }
                }
            }
        }
        return found;
    }

    private TestApp.Response deliver(Example example, String signature) {
        return app.postRaw("/api/webhooks/github", example.body(), null,
                Map.of("X-GitHub-Event", example.event(), "X-Hub-Signature-256", signature));
    }

    private Optional<IngestionJob> latest(String id) {
        return app.jobs.latestJob(new ProjectId(id));
    }

    @Test
    void everyDocumentedPingIsAnsweredAndABadSignatureRefused() throws Exception {
        app = new TestApp(TestApp.settings().withWebhookSecret(SECRET), null, TestApp.fastSettings().build());
        List<Example> pings = examples("ping");
        assertThat(pings).hasSizeGreaterThanOrEqualTo(5);
        for (Example ping : pings) {
            assertThat(deliver(ping, WebhooksTest.sign(SECRET, ping.body())).status()).as("%s", ping.host())
                    .isEqualTo(200);
            assertThat(deliver(ping, WebhooksTest.sign("another secret", ping.body())).status()).isEqualTo(401);
        }
    }

    /**
     * One READY project per repository the examples push to, tracking its default branch: pushes of
     * tags and deletions leave it alone; a push to its branch queues one re-index.
     */
    @Test
    void everyDocumentedPushIsReadAsGitHubMeantIt() throws Exception {
        app = new TestApp(TestApp.settings().withWebhookSecret(SECRET), null, TestApp.fastSettings().build());
        List<Example> pushes = examples("push");
        assertThat(pushes).hasSizeGreaterThanOrEqualTo(10);
        Map<String, String> projects = new java.util.TreeMap<>();
        for (Example push : pushes) {
            String url = push.payload().path("repository").path("clone_url").asText();
            projects.computeIfAbsent(url, u -> {
                app.source.commit(u, Map.of("README.md", "# Hello World\n"));
                String id = app.createProject("hello-" + projects.size(), u);
                app.post("/api/projects/" + id + "/ingest", Map.of(), TestApp.TOKEN);
                assertThat(app.rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
                return id;
            });
        }
        assertThat(projects).as("github.com and an Enterprise Server host").hasSize(2);

        // Tags and deletions first: none may queue anything for a project tracking its default branch.
        List<Example> ofBranches = new ArrayList<>();
        for (Example push : pushes) {
            JsonNode payload = push.payload();
            String id = projects.get(payload.path("repository").path("clone_url").asText());
            String ref = payload.path("ref").asText();
            boolean toDefault = ref.equals("refs/heads/" + payload.path("repository").path("default_branch").asText());
            if (toDefault && !payload.path("deleted").asBoolean()) {
                ofBranches.add(push);
                continue;
            }
            IngestionJob before = latest(id).orElseThrow();
            assertThat(deliver(push, WebhooksTest.sign(SECRET, push.body())).status())
                    .as("%s %s deleted=%s", push.host(), ref, payload.path("deleted")).isEqualTo(202);
            assertThat(latest(id).orElseThrow().id()).as("%s %s: nothing queued", push.host(), ref)
                    .isEqualTo(before.id());
        }
        assertThat(ofBranches).as("the examples hold pushes to a default branch").isNotEmpty();
        for (Example push : ofBranches) {
            String id = projects.get(push.payload().path("repository").path("clone_url").asText());
            assertThat(deliver(push, WebhooksTest.sign(SECRET, push.body())).status()).isEqualTo(202);
            IngestionJob queued = latest(id).orElseThrow();
            assertThat(queued.status()).as("%s: a re-index queued", push.host()).isEqualTo(JobStatus.PENDING);
            assertThat(app.get("/api/projects/" + id).body().path("remoteCommit").asText())
                    .isEqualTo(push.payload().path("after").asText());
        }
    }
}

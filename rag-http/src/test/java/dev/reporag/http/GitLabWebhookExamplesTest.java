package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitLab route against the deliveries GitLab documents, not ones written here: every project
 * hook and system hook example of the Go client go-gitlab 0.73.1 (its testdata, taken from GitLab's
 * documentation; Debian's package golang-github-xanzy-go-gitlab-dev), each sent with the
 * {@code X-Gitlab-Event} header GitLab sends with it. {@code scripts/setup-webhook-examples.sh}
 * fetches them and {@code scripts/test.sh} names them in {@code RAG_TEST_GITLAB_WEBHOOK_EXAMPLES};
 * without them this test fails, never skips.
 */
class GitLabWebhookExamplesTest {
    private static final String SECRET = "glwh-examples-93b1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The header of each project hook event, by its object_kind (GitLab's "Webhook events" page). */
    private static final Map<String, String> PROJECT_HOOK_HEADERS = Map.ofEntries(
            Map.entry("push", "Push Hook"), Map.entry("tag_push", "Tag Push Hook"),
            Map.entry("issue", "Issue Hook"), Map.entry("note", "Note Hook"),
            Map.entry("merge_request", "Merge Request Hook"), Map.entry("wiki_page", "Wiki Page Hook"),
            Map.entry("pipeline", "Pipeline Hook"), Map.entry("build", "Job Hook"),
            Map.entry("deployment", "Deployment Hook"), Map.entry("release", "Release Hook"),
            Map.entry("subgroup_create", "Subgroup Hook"));

    private TestApp app;
    private String diaspora;
    private String example;

    private record Example(String file, String header, JsonNode payload) {
        String body() {
            try {
                return JSON.writeValueAsString(payload);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean isPush() {
            return List.of("push", "tag_push").contains(kindOf(payload));
        }
    }

    /** The event a delivery is: a project hook names it in object_kind, a system hook in event_name. */
    private static String kindOf(JsonNode payload) {
        return payload.hasNonNull("object_kind") ? payload.path("object_kind").asText()
                : payload.path("event_name").asText();
    }

    /** {@code webhooks} (project hooks, each with its own header) or {@code systemhooks} ("System Hook"). */
    private static List<Example> examples(String kind) throws IOException {
        String dir = System.getenv("RAG_TEST_GITLAB_WEBHOOK_EXAMPLES");
        assertThat(dir).as("RAG_TEST_GITLAB_WEBHOOK_EXAMPLES (scripts/test.sh sets it;"
                + " scripts/setup-webhook-examples.sh fetches them)").isNotBlank();
        List<Example> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir, kind))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode payload = JSON.readTree(file.toFile());
                String name = kindOf(payload);
                String header = kind.equals("systemhooks") ? "System Hook" : PROJECT_HOOK_HEADERS.get(name);
                assertThat(header).as("the header GitLab sends with %s (%s)", file.getFileName(), name).isNotNull();
                found.add(new Example(file.getFileName().toString(), header, payload));
            }
        }
        return found;
    }

    /**
     * The two repositories the examples push to, each a READY project tracking its default branch,
     * registered under other forms of their addresses than the ones the pushes name first.
     */
    @BeforeEach
    void start() {
        app = new TestApp(TestApp.settings().withWebhookSecret(SECRET), null, TestApp.fastSettings().build());
        diaspora = readyProject("diaspora", "http://example.com/mike/diaspora");
        example = readyProject("example", "ssh://git@example.com/jsmith/example.git");
    }

    @AfterEach
    void close() {
        app.close();
    }

    private String readyProject(String name, String url) {
        app.source.commit(url, Map.of("README.md", "# " + name + "\n"));
        String id = app.createProject(name, url);
        app.post("/api/projects/" + id + "/ingest", Map.of(), TestApp.TOKEN);
        assertThat(app.rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
        return id;
    }

    private TestApp.Response deliver(Example example, String token) {
        return app.postRaw("/api/webhooks/gitlab", example.body(), null, token == null
                ? Map.of("X-Gitlab-Event", example.header())
                : Map.of("X-Gitlab-Event", example.header(), "X-Gitlab-Token", token));
    }

    private IngestionJob latest(String id) {
        return app.jobs.latestJob(new ProjectId(id)).orElseThrow();
    }

    @Test
    void everyDocumentedDeliveryWithoutTheSecretIsRefused() throws Exception {
        List<Example> all = new ArrayList<>(examples("webhooks"));
        all.addAll(examples("systemhooks"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        IngestionJob before = latest(diaspora);
        for (Example delivery : all) {
            assertThat(deliver(delivery, "another secret").status()).as(delivery.file()).isEqualTo(401);
            assertThat(deliver(delivery, null).status()).as(delivery.file()).isEqualTo(401);
        }
        assertThat(latest(diaspora).id()).isEqualTo(before.id());
    }

    @Test
    void projectHooksQueueOneReindexForThePushToTheTrackedBranchAndNothingElse() throws Exception {
        assertDeliveriesReadAsGitLabMeantThem(examples("webhooks"));
    }

    /** A self-managed GitLab's one hook for every project: its pushes count, its other events do not. */
    @Test
    void systemHooksQueueOneReindexForThePushToTheTrackedBranchAndNothingElse() throws Exception {
        assertDeliveriesReadAsGitLabMeantThem(examples("systemhooks"));
    }

    private void assertDeliveriesReadAsGitLabMeantThem(List<Example> deliveries) {
        IngestionJob diasporaBefore = latest(diaspora);
        IngestionJob exampleBefore = latest(example);
        List<Example> toTrackedBranch = new ArrayList<>();
        for (Example delivery : deliveries) {
            if (delivery.payload().path("ref").asText().equals("refs/heads/master")) {
                toTrackedBranch.add(delivery);
                continue;
            }
            TestApp.Response answer = deliver(delivery, SECRET);
            // A tag push is a push (accepted, nothing to do for a project tracking a branch); the rest are not.
            assertThat(answer.status()).as("%s (%s)", delivery.file(), delivery.header())
                    .isEqualTo(delivery.isPush() ? 202 : 204);
            assertThat(latest(diaspora).id()).as("%s: nothing queued", delivery.file()).isEqualTo(diasporaBefore.id());
            assertThat(latest(example).id()).as("%s: nothing queued", delivery.file()).isEqualTo(exampleBefore.id());
        }
        assertThat(toTrackedBranch).as("one push to master").hasSize(1);
        Example push = toTrackedBranch.get(0);
        assertThat(deliver(push, SECRET).status()).isEqualTo(202);
        IngestionJob queued = latest(diaspora);
        assertThat(queued.id()).isNotEqualTo(diasporaBefore.id());
        assertThat(queued.status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.get("/api/projects/" + diaspora).body().path("remoteCommit").asText())
                .isEqualTo(push.payload().path("after").asText());
        assertThat(latest(example).id()).isEqualTo(exampleBefore.id());

        // Delivered again (GitLab retries a hook that timed out): the queued job absorbs it.
        assertThat(deliver(push, SECRET).status()).isEqualTo(202);
        assertThat(latest(diaspora).id()).isEqualTo(queued.id());
    }
}

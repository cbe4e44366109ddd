package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook routes on the real HTTP app, with signatures computed here as GitHub and GitLab compute them. */
class WebhooksTest {
    private static final String SECRET = "whsec-test-7d2a9c";
    private TestApp app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    private TestApp start(HttpSettings settings) {
        app = new TestApp(settings, null, TestApp.fastSettings().build());
        return app;
    }

    static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String githubPush(String cloneUrl, String ref, String after) {
        String name = cloneUrl.replace("https://github.com/", "").replace(".git", "");
        return "{\"ref\":\"" + ref + "\",\"before\":\"" + "1".repeat(40) + "\",\"after\":\"" + after + "\","
                + "\"repository\":{\"full_name\":\"" + name + "\",\"clone_url\":\"" + cloneUrl + "\","
                + "\"html_url\":\"https://github.com/" + name + "\",\"ssh_url\":\"git@github.com:" + name + ".git\","
                + "\"default_branch\":\"main\"},\"commits\":[]}";
    }

    private TestApp.Response github(String event, String body, String signature) {
        return app.postRaw("/api/webhooks/github", body, null, signature == null
                ? Map.of("X-GitHub-Event", event) : Map.of("X-GitHub-Event", event, "X-Hub-Signature-256", signature));
    }

    /** A READY project of TestApp.REPO, indexed by the test itself. */
    private String readyShop() {
        app.commitShop(TestApp.REPO);
        String id = app.createProject("shop", TestApp.REPO);
        app.post("/api/projects/" + id + "/ingest", Map.of(), TestApp.TOKEN);
        app.rag.processNext("test");
        assertThat(app.get("/api/projects/" + id).body().path("status").asText()).isEqualTo("READY");
        return id;
    }

    private IngestionJob latest(String id) {
        return app.jobs.latestJob(new ProjectId(id)).orElseThrow();
    }

    @Test
    void aSignedPushQueuesOneReindexAndABurstCoalescesIntoTheNewestCommit() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        String indexed = app.get("/api/projects/" + id).body().path("indexedCommit").asText();
        app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(TestApp.REPO, null);

        String body = githubPush("https://github.com/acme/shop.git", "refs/heads/main", c2);
        TestApp.Response first = github("push", body, sign(SECRET, body));
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body().path("status").asText()).isEqualTo("accepted");
        IngestionJob queued = latest(id);
        assertThat(queued.status()).isEqualTo(JobStatus.PENDING);

        JsonNode project = app.get("/api/projects/" + id).body();
        assertThat(project.path("remoteCommit").asText()).isEqualTo(c2);
        assertThat(project.path("remoteMoved").asBoolean()).isTrue();
        assertThat(project.path("freshness").asText())
                .isEqualTo("index at " + indexed.substring(0, 7) + ", ref at " + c2.substring(0, 7));
        assertThat(project.path("remoteCheckedAt").asText()).isNotBlank();

        app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int three; }\n"));
        String c3 = app.source.remoteHead(TestApp.REPO, null);
        String second = githubPush("https://github.com/Acme/Shop", "refs/heads/main", c3);
        assertThat(github("push", second, sign(SECRET, second)).status()).isEqualTo(202);
        assertThat(github("push", second, sign(SECRET, second)).status()).as("a redelivery").isEqualTo(202);
        assertThat(latest(id).id()).as("one job for the burst").isEqualTo(queued.id());

        IngestionJob done = app.rag.processNext("test").orElseThrow();
        assertThat(done.id()).isEqualTo(queued.id());
        assertThat(done.commit()).isEqualTo(c3);
        assertThat(app.rag.processNext("test")).isEmpty();
        JsonNode fresh = app.get("/api/projects/" + id).body();
        assertThat(fresh.path("remoteMoved").asBoolean()).isFalse();
        assertThat(fresh.path("freshness").isNull()).isTrue();
    }

    /**
     * Gitea, Forgejo (Codeberg) and Gogs send GitHub's push payload; their older releases sign it
     * only in X-Gitea-Signature (hex, no "sha256=") and name the event in X-Gitea-Event.
     */
    @Test
    void giteaAndForgejoPushesAreTakenOnTheGitHubRoute() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String repo = "https://codeberg.org/acme/shop.git";
        app.source.commit(repo, Map.of("src/A.java", "class A { int one; }\n"));
        String id = app.createProject("shop-codeberg", repo);
        app.post("/api/projects/" + id + "/ingest", Map.of(), TestApp.TOKEN);
        assertThat(app.rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
        app.source.commit(repo, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(repo, null);
        String body = "{\"ref\":\"refs/heads/main\",\"before\":\"" + "1".repeat(40) + "\",\"after\":\"" + c2 + "\","
                + "\"repository\":{\"full_name\":\"acme/shop\",\"clone_url\":\"" + repo + "\","
                + "\"html_url\":\"https://codeberg.org/acme/shop\",\"ssh_url\":\"git@codeberg.org:acme/shop.git\","
                + "\"default_branch\":\"main\"},\"commits\":[]}";
        String hex = sign(SECRET, body).substring("sha256=".length());
        String wrong = (hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1);

        assertThat(app.postRaw("/api/webhooks/github", body, null, Map.of("X-Gitea-Event", "push",
                "X-Gitea-Signature", wrong)).status()).isEqualTo(401);
        assertThat(app.postRaw("/api/webhooks/github", body, null, Map.of("X-Gitea-Event", "push",
                "X-Gitea-Signature", hex)).status()).isEqualTo(202);
        assertThat(latest(id).status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.rag.processNext("test").orElseThrow().commit()).isEqualTo(c2);
    }

    @Test
    void gitHubsFormEncodedDeliveriesAreReadToo() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(TestApp.REPO, null);
        String form = "payload=" + java.net.URLEncoder.encode(githubPush(TestApp.REPO, "refs/heads/main", c2),
                StandardCharsets.UTF_8);
        TestApp.Response answer = app.postRaw("/api/webhooks/github", form, null, Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", sign(SECRET, form), "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        assertThat(latest(id).status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.get("/api/projects/" + id).body().path("remoteCommit").asText()).isEqualTo(c2);
    }

    @Test
    void concurrentDeliveriesOfABurstMakeOneJob() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        java.util.List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int v" + i + "; }\n"));
            bodies.add(githubPush(TestApp.REPO, "refs/heads/main", app.source.remoteHead(TestApp.REPO, null)));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (String body : bodies) {
                String signature = sign(SECRET, body);
                answers.add(pool.submit(() -> github("push", body, signature).status()));
            }
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        long active = app.jobs.latestJob(new ProjectId(id)).stream().filter(j -> j.status().isActive()).count();
        assertThat(active).isEqualTo(1);
        IngestionJob done = app.rag.processNext("test").orElseThrow();
        assertThat(done.commit()).as("the newest commit").isEqualTo(app.source.remoteHead(TestApp.REPO, null));
        assertThat(app.rag.processNext("test")).as("one job for the whole burst").isEmpty();
    }

    @Test
    void aBadOrMissingSignatureIs401AndDoesNothing() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int two; }\n"));
        String body = githubPush(TestApp.REPO, "refs/heads/main", app.source.remoteHead(TestApp.REPO, null));

        for (String signature : new String[]{null, "sha256=00", sign("another-secret", body),
                sign(SECRET, body + " "), "sha1=" + sign(SECRET, body).substring(7), "sha256=zz"}) {
            TestApp.Response refused = github("push", body, signature);
            assertThat(refused.status()).as(String.valueOf(signature)).isEqualTo(401);
            assertThat(refused.body().path("error").asText()).contains("X-Hub-Signature-256")
                    .doesNotContain(SECRET);
        }
        assertThat(latest(id).status()).isEqualTo(JobStatus.READY);
        assertThat(app.get("/api/projects/" + id).body().path("remoteCommit").isNull()).isTrue();
    }

    @Test
    void anUnknownRepositoryOrBranchGetsTheSameAnswerAndNothingIsDone() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        String c = "ab".repeat(20);
        String other = githubPush("https://github.com/acme/other.git", "refs/heads/main", c);
        String branch = githubPush(TestApp.REPO, "refs/heads/feature", c);
        String deleted = githubPush(TestApp.REPO, "refs/heads/main", "0".repeat(40));

        for (String body : new String[]{other, branch, deleted}) {
            TestApp.Response answer = github("push", body, sign(SECRET, body));
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.text()).isEqualTo("{\"status\":\"accepted\"}");
        }
        assertThat(latest(id).status()).isEqualTo(JobStatus.READY);
    }

    @Test
    void pingIs200OtherEventsAre204AndNoAdminTokenIsNeeded() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
        TestApp.Response pong = github("ping", ping, sign(SECRET, ping));
        assertThat(pong.status()).isEqualTo(200);
        assertThat(pong.body().path("status").asText()).isEqualTo("pong");

        String issue = "{\"action\":\"opened\"}";
        assertThat(github("issues", issue, sign(SECRET, issue)).status()).isEqualTo(204);
        assertThat(github("ping", ping, sign("wrong", ping)).status()).as("even a ping is signed").isEqualTo(401);
    }

    @Test
    void gitLabPushesAreCheckedByTheirToken() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String id = readyShop();
        app.source.commit(TestApp.REPO, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(TestApp.REPO, null);
        // A GitLab project named like the GitHub one: the URLs decide, so use the registered form.
        String body = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + c2 + "\","
                + "\"checkout_sha\":\"" + c2 + "\",\"project\":{\"git_http_url\":\"https://github.com/acme/shop.git\","
                + "\"default_branch\":\"main\"}}";

        TestApp.Response wrong = app.postRaw("/api/webhooks/gitlab", body, null,
                Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "nope"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("error").asText()).contains("X-Gitlab-Token").doesNotContain(SECRET);
        assertThat(app.postRaw("/api/webhooks/gitlab", body, null, Map.of("X-Gitlab-Event", "Push Hook")).status())
                .isEqualTo(401);
        assertThat(latest(id).status()).isEqualTo(JobStatus.READY);

        assertThat(app.postRaw("/api/webhooks/gitlab", "{}", null,
                Map.of("X-Gitlab-Event", "Issue Hook", "X-Gitlab-Token", SECRET)).status()).isEqualTo(204);
        TestApp.Response accepted = app.postRaw("/api/webhooks/gitlab", body, null,
                Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(latest(id).status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.get("/api/projects/" + id).body().path("remoteCommit").asText()).isEqualTo(c2);
    }

    /** A READY project of a Bitbucket repository; returns its id. */
    private String readyProjectOf(String repo) {
        app.source.commit(repo, Map.of("src/A.java", "class A { int one; }\n"));
        String id = app.createProject("shop-" + Math.abs(repo.hashCode()), repo);
        app.post("/api/projects/" + id + "/ingest", Map.of(), TestApp.TOKEN);
        assertThat(app.rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
        return id;
    }

    private TestApp.Response bitbucket(String event, String body, String signature) {
        return app.postRaw("/api/webhooks/bitbucket", body, null, signature == null
                ? Map.of("X-Event-Key", event) : Map.of("X-Event-Key", event, "X-Hub-Signature", signature));
    }

    @Test
    void bitbucketCloudPushesAreCheckedByTheirSignature() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String repo = "https://bitbucket.org/acme/shop.git";
        String id = readyProjectOf(repo);
        app.source.commit(repo, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(repo, null);
        // Bitbucket Cloud's repo:push: one change per ref; the repository by its page, not its clone URL.
        String body = "{\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\",\"name\":\"main\","
                + "\"target\":{\"type\":\"commit\",\"hash\":\"" + c2 + "\"}},\"old\":{\"type\":\"branch\","
                + "\"name\":\"main\"},\"created\":false,\"closed\":false},{\"new\":null,\"old\":{\"type\":\"branch\","
                + "\"name\":\"gone\"},\"closed\":true}]},\"repository\":{\"type\":\"repository\","
                + "\"full_name\":\"acme/shop\",\"links\":{\"html\":{\"href\":\"https://bitbucket.org/acme/shop\"}}}}";

        TestApp.Response unsigned = bitbucket("repo:push", body, null);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.body().path("error").asText()).contains("X-Hub-Signature").doesNotContain(SECRET);
        assertThat(bitbucket("repo:push", body, sign("another secret", body)).status()).isEqualTo(401);
        assertThat(latest(id).status()).isEqualTo(JobStatus.READY);
        assertThat(bitbucket("pullrequest:created", "{}", sign(SECRET, "{}")).status()).isEqualTo(204);

        TestApp.Response accepted = bitbucket("repo:push", body, sign(SECRET, body));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(latest(id).status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.rag.processNext("test").orElseThrow().commit()).isEqualTo(c2);
    }

    @Test
    void bitbucketDataCenterPushesAndItsTestConnection() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET));
        String repo = "https://bitbucket.example.com/scm/prj/shop.git";
        String id = readyProjectOf(repo);
        app.source.commit(repo, Map.of("src/A.java", "class A { int two; }\n"));
        String c2 = app.source.remoteHead(repo, null);
        String body = "{\"eventKey\":\"repo:refs_changed\",\"repository\":{\"slug\":\"shop\",\"links\":{"
                + "\"clone\":[{\"href\":\"ssh://git@bitbucket.example.com:7999/prj/shop.git\",\"name\":\"ssh\"},"
                + "{\"href\":\"" + repo + "\",\"name\":\"http\"}],\"self\":[{\"href\":"
                + "\"https://bitbucket.example.com/projects/PRJ/repos/shop/browse\"}]}},\"changes\":[{\"ref\":{"
                + "\"id\":\"refs/heads/main\",\"displayId\":\"main\",\"type\":\"BRANCH\"},\"refId\":\"refs/heads/main\","
                + "\"fromHash\":\"" + "1".repeat(40) + "\",\"toHash\":\"" + c2 + "\",\"type\":\"UPDATE\"}]}";

        TestApp.Response ping = bitbucket("diagnostics:ping", "{\"test\":true}", sign(SECRET, "{\"test\":true}"));
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body().path("status").asText()).isEqualTo("pong");
        assertThat(bitbucket("repo:refs_changed", body, sign(SECRET, body)).status()).isEqualTo(202);
        assertThat(latest(id).status()).isEqualTo(JobStatus.PENDING);
        assertThat(app.rag.processNext("test").orElseThrow().commit()).isEqualTo(c2);
    }

    @Test
    void withoutASecretWebhooksAreOffAndSaySo() throws Exception {
        start(TestApp.settings());
        String body = githubPush(TestApp.REPO, "refs/heads/main", "ab".repeat(20));
        TestApp.Response off = github("push", body, sign("anything", body));
        assertThat(off.status()).isEqualTo(404);
        assertThat(off.body().path("error").asText()).contains("RAG_WEBHOOK_SECRET");
        assertThat(app.postRaw("/api/webhooks/gitlab", body, null, Map.of("X-Gitlab-Token", "x")).status())
                .isEqualTo(404);
    }

    @Test
    void bodiesAreBoundedByTheirOwnLimitAndMalformedOnesRefused() throws Exception {
        start(TestApp.settings().withWebhookSecret(SECRET).withWebhookMaxBytes(4096).withMaxBodyBytes(1024));
        String padded = githubPush(TestApp.REPO, "refs/heads/main", "ab".repeat(20))
                .replace("\"commits\":[]", "\"commits\":[],\"pad\":\"" + "x".repeat(2000) + "\"");
        assertThat(padded.length()).isBetween(2048, 4096);
        assertThat(github("push", padded, sign(SECRET, padded)).status())
                .as("over the API's limit, within the webhooks'").isEqualTo(202);

        String huge = "{\"pad\":\"" + "x".repeat(10_000) + "\"}";
        TestApp.Response tooLarge = github("push", huge, sign(SECRET, huge));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().path("error").asText()).contains("RAG_WEBHOOK_MAX_BYTES");

        String broken = "{not json";
        assertThat(github("push", broken, sign(SECRET, broken)).status()).isEqualTo(400);
    }

    @Test
    void theEstimateOfAProjectIsServedAndKept() {
        start(TestApp.settings());
        app.commitShop(TestApp.REPO, 5);
        String id = app.createProject("shop", TestApp.REPO);

        TestApp.Response estimate = app.get("/api/projects/" + id + "/estimate");
        assertThat(estimate.status()).isEqualTo(200);
        JsonNode e = estimate.body();
        assertThat(e.path("filesKept").asInt()).isEqualTo(7);
        assertThat(e.path("chunks").asLong()).isPositive();
        assertThat(e.path("tokens").asLong()).isPositive();
        assertThat(e.path("costUsd").asDouble()).isZero();
        assertThat(e.path("summary").asText()).contains("7 files").contains("no cost");
        assertThat(app.embedder.calls()).as("nothing embedded").isZero();
        assertThat(app.get("/api/projects/" + id).body().path("status").asText()).isEqualTo("PENDING");
        assertThat(app.jobs.latestJob(new ProjectId(id))).as("no job").isEmpty();

        assertThat(app.get("/api/projects/" + ProjectId.random().value() + "/estimate").status()).isEqualTo(404);
    }
}

package dev.reporag.http;

import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.reporag.http.ProjectApiTest.assertError;
import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static dev.reporag.http.TestApp.map;
import static org.assertj.core.api.Assertions.assertThat;

class SecurityTest {
    private TestApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void stateChangingEndpointsNeedTheAdminToken() {
        app = TestApp.start(TestApp.settings());
        String id = app.createProject("shop", REPO);
        String project = "/api/projects/" + id;

        for (String token : new String[] {null, "wrong", TOKEN + "x", ""}) {
            TestApp.Response create = app.post("/api/projects", map("name", "other", "repoUrl", REPO), token);
            assertError(create, 401, token == null || token.isEmpty() ? "Authorization: Bearer" : "not valid");
            assertThat(create.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertError(app.post(project + "/ingest", "", token), 401, "");
            assertError(app.post(project + "/retry", "", token), 401, "");
            assertError(app.delete(project, token), 401, "");
        }
        // Reading and asking stay open.
        assertThat(app.get(project).status()).isEqualTo(200);
        assertThat(app.get("/api/projects").body()).hasSize(1);
        assertThat(app.get(project).body().get("jobId").isNull()).isTrue();
        // A scheme other than Bearer is not a token.
        TestApp.Response basic = app.send(HttpRequest.newBuilder(URI.create(app.base() + project))
                .header("Authorization", "Basic " + TOKEN).DELETE(), null);
        assertError(basic, 401, "");

        assertThat(app.post(project + "/ingest", "", TOKEN).status()).isEqualTo(202);
        assertThat(app.delete(project, TOKEN).status()).isEqualTo(204);
    }

    @Test
    void withoutATokenOnlyLoopbackClientsMayChangeState() {
        app = TestApp.start(TestApp.settings().withAdminToken(null));

        // The test connects from 127.0.0.1, and a forwarded-for header is not believed by default.
        TestApp.Response local = app.postRaw("/api/projects", app.write(map("name", "a", "repoUrl", REPO)), null,
                Map.of("X-Forwarded-For", "203.0.113.9"));
        assertThat(local.status()).as(local.text()).isEqualTo(201);
        app.close();

        // Behind a trusted proxy, the client is the address the proxy appended, not the socket peer.
        app = TestApp.start(TestApp.settings().withAdminToken(null).withTrustForwardedFor(true));
        TestApp.Response remote = app.postRaw("/api/projects", app.write(map("name", "b", "repoUrl", REPO)), null,
                Map.of("X-Forwarded-For", "127.0.0.1, 203.0.113.9"));
        assertError(remote, 403, "RAG_ADMIN_TOKEN");
        TestApp.Response viaProxyFromLoopback = app.postRaw("/api/projects",
                app.write(map("name", "c", "repoUrl", REPO)), null, Map.of("X-Forwarded-For", "::1"));
        assertThat(viaProxyFromLoopback.status()).isEqualTo(201);
        TestApp.Response hostName = app.postRaw("/api/projects", app.write(map("name", "d", "repoUrl", REPO)), null,
                Map.of("X-Forwarded-For", "localhost"));
        assertError(hostName, 403, "");
    }

    @Test
    void questionsAreRateLimitedPerClient() {
        app = TestApp.start(TestApp.settings().withAskPerMinute(2));
        String id = app.createProject("shop", REPO);
        String ask = "/api/projects/" + id + "/ask";

        assertThat(app.post(ask, map("question", "what is it?"), null).status()).isEqualTo(409);
        assertThat(app.post(ask + "/stream", map("question", "what is it?"), null).status()).isEqualTo(409);
        TestApp.Response limited = app.post(ask, map("question", "what is it?"), null);

        assertError(limited, 429, "too many questions");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        // Forwarded-for is not trusted here, so rotating it does not buy a new budget.
        TestApp.Response spoofed = app.postRaw(ask, app.write(map("question", "what is it?")), null,
                Map.of("X-Forwarded-For", "198.51.100.7"));
        assertError(spoofed, 429, "too many questions");
        // Other endpoints are not limited.
        assertThat(app.get("/api/projects/" + id).status()).isEqualTo(200);
    }

    @Test
    void trustedForwardedForGivesEachClientItsOwnBudget() {
        app = TestApp.start(TestApp.settings().withAskPerMinute(1).withTrustForwardedFor(true));
        String ask = "/api/projects/" + ProjectId.random() + "/ask";
        String body = app.write(map("question", "what is it?"));

        assertThat(app.postRaw(ask, body, null, Map.of("X-Forwarded-For", "198.51.100.1")).status()).isEqualTo(404);
        assertThat(app.postRaw(ask, body, null, Map.of("X-Forwarded-For", "198.51.100.1")).status()).isEqualTo(429);
        assertThat(app.postRaw(ask, body, null, Map.of("X-Forwarded-For", "198.51.100.2")).status()).isEqualTo(404);
    }

    @Test
    void corsIsOffByDefault() {
        app = TestApp.start(TestApp.settings());
        TestApp.Response response = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Origin", "https://evil.example").GET(), null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
        TestApp.Response preflight = preflight("https://evil.example");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void corsAllowsOnlyTheConfiguredOrigins() {
        app = TestApp.start(TestApp.settings().withCorsOrigins(List.of("https://portfolio.example")));

        TestApp.Response allowed = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Origin", "https://portfolio.example").GET(), null);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://portfolio.example");
        TestApp.Response preflight = preflight("https://portfolio.example");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://portfolio.example");

        TestApp.Response other = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Origin", "https://evil.example").GET(), null);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void responsesCarrySecurityHeaders() {
        app = TestApp.start(TestApp.settings());
        TestApp.Response page = app.get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).contains("<title>repo-rag</title>");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(page.header("Server")).isNull();
        assertThat(app.get("/app.js").status()).isEqualTo(200);
    }

    @Test
    void settingsNeverPrintTheToken() {
        assertThat(TestApp.settings().toString()).doesNotContain(TOKEN).contains("<set>");
        HttpSettings built = HttpSettings.builder().adminToken(" t0k ").corsOrigins(List.of("https://a.example",
                "https://b.example")).askPerMinute(7).trustForwardedFor(true).ssePollInterval(Duration.ofMillis(250))
                .maxBodyBytes(2048).build();
        assertThat(built).isEqualTo(new HttpSettings("t0k", List.of("https://a.example", "https://b.example"), 2048, 7,
                true, Duration.ofMillis(250)));
        assertThat(built.withAskPerMinute(8)).isEqualTo(built.toBuilder().askPerMinute(8).build());
        assertThat(built.withAskPerMinute(8).askPerMinute()).isEqualTo(8);
        assertThat(HttpSettings.builder().build()).isEqualTo(HttpSettings.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpSettings.builder().askPerMinute(0).build())
                .hasMessageContaining("question rate limit");
    }

    private TestApp.Response preflight(String origin) {
        return app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), null);
    }

    @Test
    void crossSiteRequestsAreRefusedWithOrWithoutTheToken() {
        app = TestApp.start(TestApp.settings());
        String id = app.createProject("shop", REPO);
        String project = "/api/projects/" + id;
        Map<String, String> otherSite = Map.of("Origin", "http://127.0.0.1:1");
        Map<String, String> sameSite = Map.of("Sec-Fetch-Site", "same-site");
        for (Map<String, String> headers : List.of(otherSite, sameSite, Map.of("Origin", "null"))) {
            for (String token : new String[] {TOKEN, null}) {
                assertError(app.postRaw("/api/projects", app.write(map("name", "x", "repoUrl", REPO)), token, headers),
                        403, "requests from pages on other sites are refused");
                assertError(app.postRaw(project + "/ingest", "", token, headers), 403, "other sites");
                assertError(app.postRaw(project + "/ask", app.write(map("question", "q")), token, headers), 403,
                        "other sites");
                HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(app.base() + project)).DELETE();
                headers.forEach(delete::header);
                assertError(app.send(delete, token), 403, "other sites");
            }
        }
        // Reading stays open to every site; the page's own origin and listed origins may write.
        assertThat(app.send(HttpRequest.newBuilder(URI.create(app.base() + project)).header("Origin",
                "http://evil.example").GET(), null).status()).isEqualTo(200);
        assertThat(app.postRaw(project + "/ingest", "", TOKEN, Map.of("Origin", app.base(),
                "Sec-Fetch-Site", "same-origin")).status()).isEqualTo(202);
        assertThat(app.get("/api/projects").body()).hasSize(1);
    }

    @Test
    void listedOriginsMayWriteAndBodiesMustBeJson() {
        app = TestApp.start(TestApp.settings().withCorsOrigins(List.of("https://portfolio.example")));
        String id = app.createProject("shop", REPO);
        assertThat(app.postRaw("/api/projects/" + id + "/ingest", "", TOKEN,
                Map.of("Origin", "https://portfolio.example", "Sec-Fetch-Site", "cross-site")).status()).isEqualTo(202);

        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            HttpRequest.Builder form = HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(app.write(map("name", "x", "repoUrl", REPO))));
            assertError(app.send(form, TOKEN), 415, "Content-Type: application/json");
        }
        HttpRequest.Builder none = HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .POST(HttpRequest.BodyPublishers.ofString(app.write(map("name", "x", "repoUrl", REPO))));
        assertError(app.send(none, TOKEN), 415, "application/json");
        assertThat(app.get("/api/projects").body()).hasSize(1);
    }
}

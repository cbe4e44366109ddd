package dev.reporag.reliability;

import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar users run (rag-cli's shaded {@code rag.jar}, which {@code ./rag} and the Docker image
 * start): with an OpenAI-compatible API configured (estimate, ingest, ask), on the embedded default,
 * and on PostgreSQL. Every other test runs
 * the CLI on the test class path, which had a library the jar lacked: jtokkit was declared with
 * test scope in rag-cli, which took it out of the jar, and every process with an OpenAI key died
 * at its first token count ("StackOverflowError thrown from the UncaughtExceptionHandler").
 */
class ShippedJarTest {
    @TempDir
    Path tmp;

    @Test
    void estimateIngestAndAskWithAnOpenAiCompatibleApi() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(3, 2));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            Map<String, String> env = Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL", fake.baseUrl(),
                    "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_HOME", tmp.resolve("home").toString());

            String estimate = run("estimate", env, "estimate", repo.toString());
            assertThat(estimate).contains("tokens:").contains("bills them").contains("cost:");

            String ingest = run("ingest", env, "ingest", repo.toString(), "--name", "shop");
            assertThat(ingest).contains("shop is READY");
            assertThat(fake.log().stream().mapToInt(FakeOpenAiServer.Logged::inputs).sum()).isPositive();

            String answer = run("ask", env, "ask", "--project", "shop", "where does the parser live?");
            assertThat(answer).contains("The parser lives in Parser.java");
        }
    }

    /** The README's quick start (the in-process model, the embedded store), then PostgreSQL. */
    @Test
    void theEmbeddedDefaultAndPostgresql() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(2, 2));
        Map<String, String> embedded = Map.of("RAG_HOME", tmp.resolve("home").toString());
        String answer = run("quick-start", embedded, "ask", "--repo", repo.toString(), "which class is generated?");
        assertThat(answer).contains("passages").containsPattern("\\[1] \\S+:\\d+-\\d+");

        try (TestSchema db = new TestSchema("shipped")) {
            Map<String, String> postgres = Map.of("RAG_HOME", tmp.resolve("pg").toString(), "DATABASE_URL",
                    db.databaseUrl());
            assertThat(run("pg-ingest", postgres, "ingest", repo.toString(), "--name", "pg")).contains("pg is READY");
            assertThat(run("pg-status", postgres, "status", "--json")).contains("\"READY\"");
        }
    }

    /** `rag serve` from the jar: the API, the web page and its script, and the metrics are in it. */
    @Test
    void theServiceAndItsWebPage() throws Exception {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start();
             Child serve = Child.startShippedJar(tmp.resolve("serve.log"), Map.of("RAG_HOME",
                     tmp.resolve("serve-home").toString(), "OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL",
                     fake.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "64"), "serve", "--port", "0", "--host", "127.0.0.1")) {
            int port = Integer.parseInt(CrashTest.awaitMatch(serve,
                    Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/health", "/ready", "/", "/api/projects", "/metrics", "/app.js")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(200);
            }
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("<script").contains("Initialize AI");
            serve.signal("TERM");
            serve.waitFor(30);
            assertThat(serve.output()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    private String run(String name, Map<String, String> env, String... args) throws InterruptedException {
        try (Child child = Child.startShippedJar(tmp.resolve(name + ".log"), env, args)) {
            int exit = child.waitFor(120);
            String output = child.output();
            assertThat(exit).as(output).isZero();
            assertThat(output).doesNotContain("Exception").doesNotContain("Error:").doesNotContain("\tat ");
            return output;
        }
    }
}

package dev.reporag.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Repository URLs with credentials, through every way in (`POST /api/projects`, `rag add`, `rag
 * ingest`) on PostgreSQL: each is refused saying how to give a token instead (400, exit 2), and the
 * password then shows up in nothing that reads projects: the API's list and project, `rag status`
 * (table and JSON), /metrics, the error messages, the service's and the CLI's logs at DEBUG. NUL
 * characters in a question or a ref are refused with a 400 before they reach SQL.
 */
class CredentialsTest {
    private static final String PASSWORD = "Secret123Pw";
    private static final String TOKEN_VALUE = "glpat-configured-9f8e7d";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> seen = new ArrayList<>();

    @TempDir
    Path tmp;

    @Test
    void credentialsInAUrlAreRefusedAndNoReaderEverShowsThem() throws Exception {
        try (TestSchema db = new TestSchema("creds")) {
            Map<String, String> env = new HashMap<>(Map.of("RAG_HOME", tmp.resolve("home").toString(),
                    "RAG_EMBEDDER", "hashing", "DATABASE_URL", db.databaseUrl(), "RAG_LOG_LEVEL", "DEBUG",
                    "RAG_GIT_TOKEN_GITLAB_COM", TOKEN_VALUE, "RAG_WORKERS", "0"));
            List<String> urls = List.of("https://user:" + PASSWORD + "@github.com/a/b.git",
                    "https://" + PASSWORD + "@gitlab.com/a/b.git", "https://user:" + PASSWORD + "@127.0.0.1/a.git",
                    "user:" + PASSWORD + "@github.com:a/b.git");
            for (String url : urls) {
                Path log = tmp.resolve("add.log");
                int exit = Child.run(log, 60, env, "add", "--name", "p", url);
                String output = Files.readString(log);
                seen.add(output);
                assertThat(exit).as(output).isEqualTo(2);
                assertThat(output).contains("credentials are never accepted in a repository URL")
                        .contains("RAG_GIT_TOKEN_<HOST>");
                Path ingestLog = tmp.resolve("ingest.log");
                assertThat(Child.run(ingestLog, 60, env, "ingest", url)).isEqualTo(2);
                seen.add(Files.readString(ingestLog));
            }
            assertThat(Child.run(tmp.resolve("ok.log"), 60, env, "add", "--name", "fine", "https://github.com/a/b.git"))
                    .as(Files.readString(tmp.resolve("ok.log"))).isZero();

            try (Child serve = Child.start(tmp.resolve("serve.log"), env, "serve", "--port", "0", "--host", "127.0.0.1")) {
                int port = Integer.parseInt(CrashTest.awaitMatch(serve,
                        Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)"), 90).group(1));
                String base = "http://127.0.0.1:" + port;
                for (String url : urls) {
                    HttpResponse<String> refused = post(base + "/api/projects",
                            JSON.writeValueAsString(Map.of("name", "q", "repoUrl", url)));
                    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
                    assertThat(refused.body()).contains("credentials are never accepted").contains("RAG_GIT_TOKEN_<HOST>");
                }
                String id = JSON.readTree(get(base + "/api/projects").body()).get(0).get("id").asText();
                // NUL reaches no SQL: 400, not a 500 naming the database's complaint.
                HttpResponse<String> nulRef = post(base + "/api/projects", "{\"name\":\"n\",\"repoUrl\":"
                        + "\"https://github.com/a/c.git\",\"ref\":\"main\\u0000x\"}");
                assertThat(nulRef.statusCode()).as(nulRef.body()).isEqualTo(400);
                HttpResponse<String> nulQuestion = post(base + "/api/projects/" + id + "/ask",
                        "{\"question\":\"cart \\u0000 total\"}");
                assertThat(nulQuestion.statusCode()).as(nulQuestion.body()).isEqualTo(400);
                assertThat(nulQuestion.body()).contains("control character").doesNotContain("SQL", "0x00", "UTF8");
                HttpResponse<String> nulStream = post(base + "/api/projects/" + id + "/ask/stream",
                        "{\"question\":\"cart \\u0000 total\"}");
                assertThat(nulStream.statusCode()).isEqualTo(400);
                assertThat(nulStream.body()).doesNotContain("event:");
                for (String path : List.of("/api/projects", "/api/projects/" + id, "/metrics", "/", "/ready")) {
                    HttpResponse<String> answer = get(base + path);
                    assertThat(answer.statusCode()).as(path).isEqualTo(200);
                    seen.add(answer.body());
                }
                serve.signal("TERM");
                serve.waitFor(30);
                seen.add(serve.output());
            }
            for (String args : List.of("status", "status --json", "status --json --project-id fine")) {
                Path log = tmp.resolve("status.log");
                assertThat(Child.run(log, 60, env, args.split(" "))).isZero();
                seen.add(Files.readString(log));
            }
        }
        assertThat(seen).isNotEmpty().allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD)
                .doesNotContain(TOKEN_VALUE).doesNotContain("\tat "));
        assertThat(String.join("\n", seen)).contains("https://github.com/a/b.git"); // the readers were read
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String uri, String body) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        seen.add(answer.body());
        return answer;
    }
}

package dev.reporag.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.openai.FakeOpenAiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests against `rag serve` as deployed (a child JVM, git source with local sources
 * off, an admin token and an API key set): each gets the right 4xx with a clear message; no 500,
 * no stack trace, and neither secret appears in any response or in the service's log.
 */
class HostileRequestsTest {
    private static final String TOKEN = "admin-token-7c0ffee-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> bodies = new ArrayList<>();
    private String base;

    @TempDir
    Path tmp;

    @Test
    void everyHostileRequestGetsAClearClientErrorAndNothingLeaks() throws Exception {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            Map<String, String> env = new HashMap<>(Map.of("RAG_HOME", tmp.resolve("home").toString(),
                    "RAG_ADMIN_TOKEN", TOKEN, "OPENAI_API_KEY", FakeOpenAiServer.KEY,
                    "OPENAI_BASE_URL", fake.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_LOG_LEVEL", "DEBUG"));
            try (Child serve = Child.start(tmp.resolve("serve.log"), env, "serve", "--port", "0", "--host", "127.0.0.1")) {
                int port = Integer.parseInt(CrashTest.awaitMatch(serve,
                        Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
                base = "http://127.0.0.1:" + port;
                hostileRequests();
                serve.signal("TERM");
                serve.waitFor(30);
                String log = serve.output();
                assertThat(log).contains("Javalin has stopped").doesNotContain(TOKEN)
                        .doesNotContain(FakeOpenAiServer.KEY).doesNotContain("\tat ");
            }
        }
        for (String body : bodies) {
            assertThat(body).doesNotContain(TOKEN).doesNotContain(FakeOpenAiServer.KEY).doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    private void hostileRequests() throws Exception {
        String project = "{\"name\":\"shop\",\"repoUrl\":\"https://github.com/example/shop\"}";
        // Tokens: missing, wrong, another scheme, almost right.
        expect(post("/api/projects", project, null), 401, "Authorization: Bearer");
        expect(post("/api/projects", project, "wrong"), 401, "not valid");
        expect(post("/api/projects", project, TOKEN.substring(0, TOKEN.length() - 1)), 401, "not valid");
        expect(send(HttpRequest.newBuilder(uri("/api/projects")).header("Authorization", "Basic " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(project))), 401, "");

        // SSRF: every way of spelling a host this server must not fetch from.
        for (String url : List.of("https://127.0.0.1/a.git", "https://localhost/a.git", "https://LOCALHOST./a.git",
                "https://169.254.169.254/latest/meta-data", "https://2130706433/a.git", "https://0177.0.0.1/a.git",
                "https://0x7f000001/a.git", "https://0x7f.1/a.git", "https://127.1/a.git", "https://0/a.git",
                "https://[::1]/a.git", "https://[::ffff:127.0.0.1]/a.git", "https://[::ffff:a9fe:a9fe]/latest",
                "https://10.0.0.1/a.git", "https://192.168.1.1/a.git", "https://[fd00::1]/a.git",
                "https://user:pass@127.0.0.1/a.git", "http://github.com/example/shop", "file:///etc/passwd",
                "/etc", "../../etc", "git@github.com:example/shop.git", "ext::sh -c id", "ssh://github.com/a.git",
                "https://github.com/a\nb")) {
            String body = JSON.writeValueAsString(Map.of("name", "ssrf-" + UUID.randomUUID(), "repoUrl", url));
            HttpResponse<String> refused = post("/api/projects", body, TOKEN);
            expect(refused, 400, "refused the source");
            assertThat(refused.body()).doesNotContain("pass@");
        }
        HttpResponse<String> created = post("/api/projects", project, TOKEN);
        expect(created, 201, "");
        String id = JSON.readTree(created.body()).get("id").asText();

        // Bodies: malformed, wrong shapes, oversized.
        expect(post("/api/projects", "{\"name\": ", TOKEN), 400, "");
        expect(post("/api/projects", "[1,2,3]", TOKEN), 400, "");
        expect(post("/api/projects", "{\"name\": 5, \"repoUrl\": {\"a\": 1}}", TOKEN), 400, "");
        expect(post("/api/projects", "not json at all", TOKEN), 400, "");
        expectRefusedAsTooLarge(postOversized("/api/projects", "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}",
                TOKEN));
        expect(post("/api/projects/" + id + "/ask", "{\"question\": ", null), 400, "");
        expect(post("/api/projects/" + id + "/ask", "{\"question\":\"" + "why? ".repeat(12_000) + "\"}", null),
                400, "question");
        expectRefusedAsTooLarge(postOversized("/api/projects/" + id + "/ask",
                "{\"question\":\"" + "why? ".repeat(1_000_000) + "\"}", null));
        expect(post("/api/projects/" + id + "/ask", "{}", null), 400, "question");

        // Unknown ids and odd paths.
        String unknown = UUID.randomUUID().toString();
        expect(get("/api/projects/" + unknown), 404, "");
        expect(post("/api/projects/" + unknown + "/ingest", "", TOKEN), 404, "");
        expect(post("/api/projects/" + unknown + "/ask", "{\"question\":\"hi\"}", null), 404, "");
        expect(send(HttpRequest.newBuilder(uri("/api/projects/" + unknown)).header("Authorization", "Bearer " + TOKEN)
                .DELETE()), 404, "");
        expect(get("/api/projects/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), 404, "");
        expect(get("/api/projects/" + "a".repeat(5000)), 404, "");
        // The project exists but is not indexed yet.
        expect(post("/api/projects/" + id + "/ask", "{\"question\":\"where is the cart?\"}", null), 409, "");
        // A request line no client library would send.
        String raw = raw("GET /api/projects/\u0000%00/../../ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw).as(raw).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
        bodies.add(raw);
    }

    private void expect(HttpResponse<String> response, int status, String message) {
        bodies.add(response.body());
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri().getPath()
                + " -> " + response.body()).isEqualTo(status);
        if (status >= 400) {
            assertThat(response.body()).as("a JSON error saying what is wrong").contains("\"error\"").contains(message);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return send(postRequest(path, body, token));
    }


    /**
     * An oversized body, announced by Content-Length. Only its start is sent: the server refuses by
     * the length alone and closes, and a client still writing the rest would see a broken pipe
     * instead of the 413 (which made this test fail under load). Returns the raw response.
     */
    private String postOversized(String path, String body, String token) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        URI b = URI.create(base);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try (Socket socket = new Socket(b.getHost(), b.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes, 0, 16 * 1024);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                response.write(buffer, 0, n);
            }
        } catch (SocketException closed) {
            // The server may reset the connection once its answer is out; what came before counts.
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    private void expectRefusedAsTooLarge(String raw) {
        bodies.add(raw);
        assertThat(raw).as(raw).startsWith("HTTP/1.1 413 ").contains("\"error\"");
    }

    private HttpRequest.Builder postRequest(String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private String raw(String request) throws Exception {
        URI b = URI.create(base);
        try (Socket socket = new Socket(b.getHost(), b.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        }
    }
}

package dev.reporag.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input over every route: a seeded generator (the seed is printed, so a failure can be
 * replayed) makes thousands of requests with control characters and NUL, invisible and
 * right-to-left characters, over-long strings, invalid UTF-8, deep nesting, huge numbers, wrong
 * types and content types, and odd ids and query parameters. Nothing may answer 5xx, and no answer
 * may show a stack trace or an exception's class name. Raw requests Jetty refuses itself (a URI or
 * headers too long, a broken request line or encoding) must get the API's JSON error too.
 */
class HttpFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 20L);
    static final int CASES = Integer.getInteger("fuzz.cases", 3000);
    private static TestApp app;
    private static String ready;

    @BeforeAll
    static void start() {
        app = TestApp.start(TestApp.settings().withAskPerMinute(1_000_000));
        app.commitShop(REPO);
        app.startWorker();
        ready = app.createProject("shop", REPO);
        app.post("/api/projects/" + ready + "/ingest", "", TOKEN);
        app.awaitStatus(ready, "READY", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** One generated request. */
    record Case(String method, String target, List<String> headers, byte[] body) {
        byte[] raw() {
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n");
            headers.forEach(h -> head.append(h).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
            byte[] all = java.util.Arrays.copyOf(start, start.length + (body == null ? 0 : body.length));
            if (body != null) {
                System.arraycopy(body, 0, all, start.length, body.length);
            }
            return all;
        }

        String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8);
            return method + " " + target.substring(0, Math.min(200, target.length())) + " " + headers + " body("
                    + (body == null ? 0 : body.length) + "): " + b;
        }
    }

    /** An answer read from the socket: status, headers (lower-case names) and the body, de-chunked. */
    record Answer(int status, String headers, String body) {
        static Answer parse(String raw) {
            int split = raw.indexOf("\r\n\r\n");
            String head = split < 0 ? raw : raw.substring(0, split);
            String body = split < 0 ? "" : raw.substring(split + 4);
            String[] statusLine = head.lines().findFirst().orElse("").split(" ");
            int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : -1;
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder plain = new StringBuilder();
                int at = 0;
                while (at < body.length()) {
                    int eol = body.indexOf("\r\n", at);
                    if (eol < 0) {
                        break;
                    }
                    int size = Integer.parseInt(body.substring(at, eol).strip(), 16);
                    if (size == 0) {
                        break;
                    }
                    // sizes count bytes; the bodies here are read as UTF-8 text, so count characters by bytes
                    byte[] rest = body.substring(eol + 2).getBytes(StandardCharsets.UTF_8);
                    String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
                    plain.append(chunk);
                    at = eol + 2 + chunk.length() + 2;
                }
                body = plain.toString();
            }
            return new Answer(status, head.toLowerCase(java.util.Locale.ROOT), body);
        }
    }

    @Test
    void thousandsOfGeneratedRequestsGetNo5xxAndNoStackTrace() throws IOException {
        Random random = new Random(SEED);
        TreeMap<Integer, Integer> statuses = new TreeMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < CASES; i++) {
            Case request = request(random);
            String raw = sendRaw(request.raw());
            if (raw.isEmpty()) {
                // No byte before the connection ended, seen once in CI (case 1258 of 3,000; the same bytes then
                // answered 200), not an answer of the app: sent once more. Empty twice is a failure below.
                raw = sendRaw(request.raw());
            }
            Answer answer = Answer.parse(raw);
            statuses.merge(answer.status(), 1, Integer::sum);
            String describe = "case " + i + " of seed " + SEED + ": " + request.describe() + " -> " + answer.status()
                    + " " + answer.body().substring(0, Math.min(300, answer.body().length()));
            if (answer.status() < 100 || answer.status() > 499) {
                // Seen once in CI (a 505 for an ordinary request, never replayed): say whether the same
                // bytes fail again, and what the answer's head was, so that a next time tells more.
                Answer again = Answer.parse(sendRaw(request.raw()));
                describe += " [head: " + answer.headers().replace("\r\n", " | ") + "] [the same bytes sent again -> "
                        + again.status() + " " + again.body().substring(0, Math.min(200, again.body().length())) + "]";
            }
            assertThat(answer.status()).as(describe).isBetween(100, 499);
            if (answer.status() >= 400) { // answers quote the indexed code, which may say anything
                assertClean(answer.body(), describe);
                assertThat(answer.headers()).as(describe).contains("content-type: application/json");
                assertThat(json.readTree(answer.body()).get("error").asText()).as(describe).isNotBlank();
            }
        }
        System.out.println("HttpFuzzTest seed " + SEED + ", " + CASES + " cases, statuses " + statuses);
        assertThat(statuses.keySet()).as("the generator reaches the handlers, not only refusals")
                .contains(200, 201, 400, 404);
        // Generated POST /ingest requests may have re-ingested it: it must come back READY, not FAILED or gone.
        app.awaitStatus(ready, "READY", Duration.ofSeconds(30));
    }

    @Test
    void requestsJettyRefusesItselfGetTheJsonError() throws IOException {
        String longUri = "GET /api/projects/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        String hugeHeader = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n";
        String[] raw = {
                longUri, hugeHeader,
                "GET /api/projects/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/%C3%28 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/\u0000/../.. HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                "BREW /health HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%08b HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%1Bb HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%7Fb HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%E2%80%A9b HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%3Ab HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%27b HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/a%01b HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /api/projects/a%00%E2%80%AEb/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 5000\r\n\r\n{\"question\":\"" + "q".repeat(4984) + "\"}",
                "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "POST /api/projects HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
                "GET /api/projects?limit=" + "9".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/projects/" + ready + "/skipped?offset=99999999999999999999&limit=-1 HTTP/1.1\r\nHost: x\r\n\r\n"};
        for (String request : raw) {
            String answer = sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            String describe = request.substring(0, Math.min(100, request.length())) + " -> "
                    + answer.substring(0, Math.min(400, answer.length()));
            String statusLine = answer.lines().findFirst().orElse("");
            assertThat(statusLine).as(describe).matches("HTTP/1\\.1 [1234]\\d\\d .*");
            assertClean(answer, describe);
            if (!statusLine.contains(" 200 ")) {
                assertThat(answer).as(describe).containsIgnoringCase("Content-Type: application/json")
                        .contains("{\"error\":\"").doesNotContain("<html", "<h2>", "Powered by");
            }
        }
        // Invalid UTF-8 in a body, and a control character in the request body's JSON
        byte[] badUtf8 = "{\"name\":\"x\u00ff\",\"repoUrl\":\"https://github.com/a/b\"}".getBytes(StandardCharsets.ISO_8859_1);
        TestApp.Response bad = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(badUtf8)), TOKEN);
        ProjectApiTest.assertError(bad, 400, "not valid UTF-8");
    }

    private static String sendRaw(byte[] request) throws IOException {
        URI base = URI.create(app.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && answer.size() < 100_000; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException endedByTheServer) {
                // a reset after the answer: what was read is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    static void assertClean(String text, String describe) {
        assertThat(text).as(describe).doesNotContain("\tat ", ".java:", "Exception", "Error:", "org.eclipse",
                "io.javalin", "com.fasterxml", "dev.reporag.", "SQL");
    }

    // ---- the generator ----

    private static Case request(Random r) {
        String id = id(r);
        String project = "/api/projects/" + id;
        int route = r.nextInt(10);
        String method;
        String path;
        switch (route) {
            case 0 -> { method = "GET"; path = "/api/projects"; }
            case 1 -> { method = "GET"; path = project; }
            case 2 -> { method = "GET"; path = project + "/skipped?" + query(r); }
            case 3, 4 -> { method = "POST"; path = "/api/projects"; }
            case 5 -> { method = "POST"; path = project + (r.nextBoolean() ? "/ingest" : "/retry"); }
            case 6 -> { method = "DELETE"; path = id.equals(ready) ? "/api/projects/" + UUID.randomUUID() : project; }
            case 7, 8 -> { method = "POST"; path = project + "/ask"; }
            default -> { method = "POST"; path = project + "/ask/stream"; }
        }
        List<String> headers = new ArrayList<>();
        if (r.nextInt(10) < 8) {
            headers.add("Authorization: Bearer " + TOKEN);
        }
        String body = method.equals("POST") ? body(r, route) : null;
        byte[] bytes = null;
        if (body != null) {
            int type = r.nextInt(12);
            headers.add("Content-Type: " + (type < 9 ? "application/json" : type == 9 ? "text/plain"
                    : type == 10 ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8"));
            bytes = r.nextInt(20) == 0 ? invalidUtf8(r, body) : body.getBytes(StandardCharsets.UTF_8);
            // Bodies over the limit are answered 413 before they are read (HostileRequestsTest sends
            // them); here they are cut under it, which leaves broken JSON or UTF-8 to refuse.
            bytes = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 60_000));
        }
        if (r.nextInt(15) == 0) {
            headers.add("Origin: " + (r.nextBoolean() ? "http://evil.example" : "null"));
        }
        return new Case(method, path, headers, bytes);
    }

    private static String id(Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1, 2 -> ready;
            case 3 -> UUID.randomUUID().toString();
            case 4 -> encode(text(r, 1 + r.nextInt(80)));
            default -> encode(text(r, 1 + r.nextInt(5000)));
        };
    }

    private static String query(Random r) {
        String[] names = {"reason", "offset", "limit", "x"};
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(3); i++) {
            String value = switch (r.nextInt(5)) {
                case 0 -> Integer.toString(r.nextInt(20_000) - 10_000);
                case 1 -> "9".repeat(1 + r.nextInt(40));
                case 2 -> "SECRET";
                default -> encode(text(r, 1 + r.nextInt(30)));
            };
            q.append(i == 0 ? "" : "&").append(names[r.nextInt(names.length)]).append('=').append(value);
        }
        return q.toString();
    }

    private static String body(Random r, int route) {
        int shape = r.nextInt(20);
        if (shape == 0) {
            return "";
        }
        if (shape == 1) {
            return "[".repeat(1 + r.nextInt(20_000)) + "]".repeat(r.nextInt(3));
        }
        if (shape == 2) {
            return "{\"a\":" + "{\"a\":".repeat(r.nextInt(5_000)) + "1" + "}".repeat(r.nextInt(5_000));
        }
        if (shape == 3) {
            return text(r, r.nextInt(300)); // not JSON at all
        }
        if (shape == 4) {
            return "{\"question\": " + "9".repeat(1 + r.nextInt(3000)) + "." + "9".repeat(r.nextInt(3000))
                    + "e" + r.nextInt(999_999) + "}";
        }
        List<String> fields = new ArrayList<>();
        String[] names = route == 3 || route == 4 ? new String[] {"name", "repoUrl", "ref"}
                : new String[] {"question", "conversationId"};
        for (String name : names) {
            if (r.nextInt(8) != 0) {
                fields.add(quote(name) + ":" + value(r, name));
            }
        }
        if (r.nextInt(5) == 0) {
            fields.add(quote(text(r, 1 + r.nextInt(20))) + ":" + value(r, "x"));
        }
        String json = "{" + String.join(",", fields) + "}";
        return r.nextInt(25) == 0 ? json.substring(0, r.nextInt(json.length() + 1)) : json;
    }

    private static String value(Random r, String name) {
        return switch (r.nextInt(14)) {
            case 0 -> "null";
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "1" + "0".repeat(r.nextInt(2000)) + "e99999";
            case 3 -> "true";
            case 4 -> "[" + quote(text(r, 5)) + "]";
            case 5 -> "{\"v\":" + quote(text(r, 5)) + "}";
            case 6 -> quote(text(r, 10_000 + r.nextInt(60_000))); // over-long (and, with others, over the body limit)
            case 7, 8 -> quote(sensible(r, name) + text(r, 1 + r.nextInt(4)));
            default -> quote(r.nextBoolean() ? sensible(r, name) : text(r, 1 + r.nextInt(200)));
        };
    }

    /** Values that pass the first checks, so later ones (and the stores) are reached. */
    private static String sensible(Random r, String name) {
        return switch (name) {
            case "name" -> "p" + r.nextInt(1_000_000);
            case "repoUrl" -> r.nextInt(4) == 0 ? "https://user:pw@github.com/a/b.git"
                    : r.nextBoolean() ? REPO : "https://" + "a.".repeat(r.nextInt(3000)) + "com/x.git";
            case "ref" -> r.nextBoolean() ? "main" : "v1.2.3";
            case "question" -> "where is the cart total computed?";
            default -> UUID.randomUUID().toString();
        };
    }

    /** Random text drawn mostly from the characters that break things. */
    private static String text(Random r, int length) {
        String nasty = "\u0000\u0001\u0007\u0008\u001b\u007f\u0085\u009b\u200b\u200c\u200d\u200e\u200f\u202a\u202e"
                + "\u2066\u2069\u2028\u2029\ufeff\ufffd\ud800\udc00'\"\\/%<>&;:{}[]$`\n\r\t ";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(10);
            if (kind < 3) {
                text.append(nasty.charAt(r.nextInt(nasty.length())));
            } else if (kind == 3) {
                text.appendCodePoint(0x1F600 + r.nextInt(80));
            } else if (kind == 4) {
                text.append((char) (0x0590 + r.nextInt(0x100))); // Hebrew and Arabic
            } else {
                text.append((char) ('a' + r.nextInt(26)));
            }
        }
        return text.toString();
    }

    private static String quote(String text) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
                q.append(String.format("\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }

    /** Percent-encodes a path segment or query value, whatever it holds (NUL, '/', '%' included). */
    private static String encode(String text) {
        StringBuilder e = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                e.append((char) c);
            } else {
                e.append('%').append(String.format("%02X", c));
            }
        }
        return e.toString();
    }

    private static byte[] invalidUtf8(Random r, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            bytes[r.nextInt(bytes.length)] = (byte) (0x80 + r.nextInt(0x40));
        }
        return bytes;
    }
}

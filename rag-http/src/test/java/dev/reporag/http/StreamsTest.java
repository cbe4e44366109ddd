package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.memory.ScriptedAnswerModel;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.Progress;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.reporag.http.ProjectApiTest.assertError;
import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static dev.reporag.http.TestApp.map;
import static org.assertj.core.api.Assertions.assertThat;

class StreamsTest {
    private TestApp app;

    record Event(String name, String data) {
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void statusEventsFollowAnIngestionToReady() throws Exception {
        // Small, paced batches so the job passes through visible progress.
        app = new TestApp(TestApp.settings(), null, TestApp.fastSettings()
                .batch(new BatchPolicy(2, 100_000, Duration.ofMillis(60), 1)).chunkSize(300).chunkOverlap(50).build());
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < 6; f++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                text.append("int value").append(f).append('_').append(i).append(" = compute(").append(i).append(");\n");
            }
            files.put("src/F" + f + ".java", text.toString());
        }
        app.source.commit(REPO, files);
        String id = app.createProject("shop", REPO);

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Thread reader = subscribe("/api/projects/" + id + "/events", events::add);

        Event first = events.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.name()).isEqualTo("status");
        assertThat(app.json.readTree(first.data()).get("status").asText()).isEqualTo("PENDING");

        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.startWorker();

        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Event event = events.poll(1, TimeUnit.SECONDS);
            if (event == null || !event.name().equals("status")) {
                continue;
            }
            JsonNode status = app.json.readTree(event.data());
            seen.add(status);
            if (status.get("status").asText().equals("READY")) {
                break;
            }
        }
        reader.interrupt();

        assertThat(seen).isNotEmpty();
        assertThat(seen.get(seen.size() - 1).get("status").asText()).isEqualTo("READY");
        assertThat(seen.get(seen.size() - 1).get("progress").asInt()).isEqualTo(100);
        assertThat(seen).extracting(s -> s.get("status").asText()).contains("PROCESSING");
        List<Integer> percents = seen.stream().map(s -> s.get("progress").asInt()).toList();
        assertThat(percents).isSorted();
        assertThat(percents).anyMatch(p -> p > 0 && p < 100);
    }

    @Test
    void aNewEstimateAloneIsSentAsAnEvent() throws Exception {
        app = TestApp.start(TestApp.settings());
        String id = app.createProject("shop", REPO);
        JobId job = new JobId(app.post("/api/projects/" + id + "/ingest", "", TOKEN).body().get("id").asText());
        Instant now = Instant.now();
        app.jobs.claim("other-process", now, Duration.ofMinutes(1), 3).orElseThrow();
        app.jobs.saveProgress(job, "other-process", new Progress(10, 4, 0, 40, 16, 16, 40, 120), null, now);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        subscribe("/api/projects/" + id + "/events", events::add);
        assertThat(app.json.readTree(events.poll(5, TimeUnit.SECONDS).data()).get("etaSeconds").asLong())
                .isEqualTo(120);

        // Same counts, same percent: only the estimate moved.
        app.jobs.saveProgress(job, "other-process", new Progress(10, 4, 0, 40, 16, 16, 40, 150), null, now);

        Event next = events.poll(5, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        JsonNode status = app.json.readTree(next.data());
        assertThat(status.get("progress").asInt()).isEqualTo(40);
        assertThat(status.get("etaSeconds").asLong()).isEqualTo(150);
    }

    @Test
    void eventsOfAnUnknownProjectAre404() {
        app = TestApp.start(TestApp.settings());
        TestApp.Response response = app.send(HttpRequest.newBuilder(
                URI.create(app.base() + "/api/projects/nope/events")).header("Accept", "text/event-stream").GET(), null);

        assertError(response, 404, "no project with id nope");
    }

    @Test
    void deletingAWatchedProjectEndsItsStream() throws Exception {
        app = TestApp.start(TestApp.settings());
        String id = app.createProject("shop", REPO);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        subscribe("/api/projects/" + id + "/events", events::add);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isNotNull();

        app.delete("/api/projects/" + id, TOKEN);

        Event deleted = events.poll(5, TimeUnit.SECONDS);
        while (deleted != null && deleted.name().equals("status")) {
            deleted = events.poll(5, TimeUnit.SECONDS);
        }
        assertThat(deleted).isNotNull();
        assertThat(deleted.name()).isEqualTo("deleted");
    }

    @Test
    void answersStreamTokenByTokenThenTheCitations() throws Exception {
        AnswerModel model = new AnswerModel() {
            @Override
            public String modelId() {
                return "words";
            }

            @Override
            public String answer(AnswerPrompt prompt) {
                return "It sums the item prices [1].";
            }

            @Override
            public String stream(AnswerPrompt prompt, Consumer<String> onToken) {
                String answer = answer(prompt);
                for (String word : answer.split("(?<= )")) {
                    onToken.accept(word);
                }
                return answer;
            }
        };
        String id = readyShop(TestApp.settings(), model);

        HttpResponse<Stream<String>> response = askStream(id);
        List<Event> events = new ArrayList<>();
        parse(response.body(), events::add);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Event> tokens = events.stream().filter(e -> e.name().equals("token")).toList();
        assertThat(tokens).hasSize(6);
        StringBuilder text = new StringBuilder();
        for (Event token : tokens) {
            text.append(app.json.readTree(token.data()).get("text").asText());
        }
        assertThat(text.toString()).isEqualTo("It sums the item prices [1].");
        Event last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("answer");
        JsonNode answer = app.json.readTree(last.data());
        assertThat(answer.get("answer").asText()).isEqualTo("It sums the item prices [1].");
        assertThat(answer.get("citations").get(0).get("path").asText()).isEqualTo("src/cart/Cart.java");
        assertThat(answer.get("conversationId").asText()).isNotBlank();
    }

    /**
     * A model that thinks before it writes (a reasoning model's thinking is not shown) left the
     * response without a byte until its first token: proxies end idle connections (nginx after 60 s).
     */
    @Test
    void aSlowFirstTokenIsPrecededByKeepAliveComments() throws Exception {
        AnswerModel thinking = new ScriptedAnswerModel(prompt -> {
            TestApp.sleep(1_000);
            return "It sums the item prices [1].";
        });
        String id = readyShop(TestApp.settings().withAnswerKeepAlive(Duration.ofMillis(200)), thinking);

        HttpResponse<Stream<String>> response = askStream(id);
        List<String> lines = response.body().toList();

        assertThat(response.statusCode()).isEqualTo(200);
        int firstToken = lines.indexOf("event: token");
        assertThat(firstToken).isPositive();
        assertThat(lines.subList(0, firstToken)).as("before the first token").contains(": waiting for the answer")
                .allMatch(line -> line.isEmpty() || line.equals(": waiting for the answer"));
        assertThat(lines.stream().filter(line -> line.startsWith(": ")).count()).isBetween(2L, 6L);
        assertThat(lines).contains("event: answer");

        // A refusal still comes at once, with its status.
        TestApp.Response refused = app.post("/api/projects/" + id + "/ask/stream", map("question", " "), null);
        assertThat(refused.status()).isEqualTo(400);
    }

    @Test
    void unexpectedFailuresAre500WithoutDetails() {
        AnswerModel broken = new ScriptedAnswerModel(prompt -> {
            throw new IllegalStateException("boom at sk-live-secret-123 /internal/path");
        });
        String id = readyShop(TestApp.settings(), broken);

        TestApp.Response plain = app.post("/api/projects/" + id + "/ask", map("question", "how is the total computed?"),
                null);
        assertError(plain, 500, "internal error");
        assertThat(plain.text()).doesNotContain("sk-live").doesNotContain("boom").doesNotContain("IllegalState");

        // Streaming fails before the first token, so it is a plain 500 too.
        TestApp.Response streamed = app.post("/api/projects/" + id + "/ask/stream",
                map("question", "how is the total computed?"), null);
        assertError(streamed, 500, "internal error");
        assertThat(streamed.text()).doesNotContain("sk-live");
    }

    /** An app answering with {@code model}, and the id of its READY shop project. */
    private String readyShop(HttpSettings settings, AnswerModel model) {
        app = new TestApp(settings, model, TestApp.fastSettings().build());
        app.commitShop(REPO);
        app.startWorker();
        String id = app.createProject("shop", REPO);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.awaitStatus(id, "READY", Duration.ofSeconds(20));
        return id;
    }

    private HttpResponse<Stream<String>> askStream(String id) throws IOException, InterruptedException {
        return app.http.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/projects/" + id + "/ask/stream"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"how is the cart total computed?\"}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
    }

    private Thread subscribe(String path, Consumer<Event> sink) {
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<InputStream> response = app.http.send(HttpRequest.newBuilder(URI.create(app.base() + path))
                        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body();
                     Stream<String> lines = new java.io.BufferedReader(
                             new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8)).lines()) {
                    parse(lines, sink);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // the stream was closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static void parse(Stream<String> lines, Consumer<Event> sink) {
        String[] name = {null};
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (name[0] != null || data.length() > 0) {
                    sink.accept(new Event(name[0] == null ? "message" : name[0], data.toString()));
                }
                name[0] = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name[0] = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        });
    }
}

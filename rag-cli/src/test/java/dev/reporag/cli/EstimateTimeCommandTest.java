package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-shot {@code rag estimate} (a process that has sent no request) times an ingestion by the
 * server's answer time the last {@code rag ingest} with the same server, model and key left in the
 * store, on both stores, against a fake OpenAI-compatible server that takes 200 ms a request under
 * limits it never reaches (so the requests in flight, not the limits, set the pace).
 */
class EstimateTimeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private FakeOpenAiStores stores;
    private FakeOpenAiServer fake;

    @BeforeEach
    void start() {
        stores = new FakeOpenAiStores(tmp.resolve("home"), "estimate_time");
        fake = stores.fake;
        fake.latencyMillis = 200;
    }

    @AfterEach
    void stop() throws Exception {
        stores.close();
    }

    private Map<String, String> env(String store, String apiKey) {
        // One input a request, two in flight, limits as high as OpenAI's tier 5.
        return stores.env(store, Map.of("OPENAI_API_KEY", apiKey, "RAG_EMBEDDING_DIMENSIONS", "32",
                "RAG_BATCH_SIZE", "1", "RAG_CONCURRENCY", "2", "RAG_RPM", "10000", "RAG_TPM", "10000000"));
    }

    private static Map<String, String> files(String name) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            files.put("src/" + name + "/Part" + i + ".java", "package " + name + ";\n\nclass Part" + i
                    + " {\n    int weight() {\n        return " + i + ";\n    }\n}\n");
        }
        return files;
    }

    private static JsonNode estimate(Map<String, String> env, Path repo) throws Exception {
        CliRun run = CliRun.run(env, "", "estimate", repo.toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(FakeOpenAiServer.KEY);
        return JSON.readTree(run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "pgvector"})
    void aOneShotEstimateTakesTheAnswerTimeTheLastIngestionRecorded(String store) throws Exception {
        Path first = TestRepos.create(tmp.resolve("first"), files("first"));
        Path second = TestRepos.create(tmp.resolve("second"), files("second"));
        Map<String, String> env = env(store, FakeOpenAiServer.KEY);

        JsonNode before = estimate(env, second);
        assertThat(before.path("timeBasis").asText()).startsWith("within 10000 requests and 10000000 tokens a minute");
        assertThat(before.path("seconds").asLong()).isEqualTo(1);

        CliRun ingest = CliRun.run(env, "", "ingest", first.toString(), "--name", "first");
        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
        assertThat(fake.log()).hasSizeGreaterThanOrEqualTo(12);
        fake.clearLog();

        JsonNode after = estimate(env, second);
        assertThat(fake.log()).as("an estimate sends nothing").isEmpty();
        long requests = after.path("requests").asLong();
        assertThat(requests).isGreaterThanOrEqualTo(12);
        assertThat(after.path("timeBasis").asText()).matches("2 requests in flight, answered in 0\\.[2-9]\\d s each on"
                + " average in the last ingestion with this server, model and key, at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC"
                + " \\(\\d+ answers\\); within 10000 requests and 10000000 tokens a minute would allow it sooner");
        // requests x at least the server's 0.2 s / 2 in flight
        assertThat(after.path("seconds").asLong()).isGreaterThanOrEqualTo((long) Math.ceil(requests * 0.2 / 2));

        JsonNode otherKey = estimate(env(store, "sk-another-key-of-the-same-server"), second);
        assertThat(otherKey.path("seconds").asLong()).as("another key's budget has no record").isEqualTo(1);

        if (stores.usedDatabase()) {
            try (Connection connection = TestSchema.adminConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT key_hash FROM " + stores.database().name() + ".answer_times")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).startsWith("openai:").doesNotContain(FakeOpenAiServer.KEY);
                assertThat(rows.next()).isFalse();
            }
        } else {
            assertThat(Files.readString(tmp.resolve("home").resolve("store").resolve("state.mv.db"), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("answers.time.openai:").doesNotContain(FakeOpenAiServer.KEY);
        }
    }
}

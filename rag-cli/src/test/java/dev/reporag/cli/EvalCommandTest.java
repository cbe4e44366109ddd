package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rag eval} on the embedded store with the test embedder, on real Git repositories made here. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Map<String, String> env;

    @BeforeEach
    void setUp() {
        env = new HashMap<>();
        env.put("RAG_HOME", tmp.resolve("home").toString());
        env.put("RAG_EMBEDDER", "hashing");
    }

    private CliRun rag(String... args) {
        return CliRun.run(env, "", args);
    }

    /** The shop, then two commits that change one source file each, then one that documents a method. */
    private Path shopWithHistory() throws Exception {
        Path repo = TestRepos.create(tmp.resolve("shop"), TestRepos.shop());
        TestRepos.commit(repo, Map.of("src/shop/Payments.java", "package shop;\n\nclass StripeGateway {\n"
                + "    void charge(Money m) { retryOnTimeout(() -> client.charge(m)); }\n}\n"),
                "Retry card charges that time out at the payment gateway");
        TestRepos.commit(repo, Map.of("src/shop/ConfigLoader.java", "package shop;\n\nclass ConfigLoader {\n"
                + "    /** Reads the configuration file at the given path and parses it. */\n"
                + "    static Config parseConfigFile(Path path) throws IOException {\n"
                + "        return Config.of(Files.readString(path).strip());\n    }\n}\n"),
                "Strip white space around the config before parsing it");
        return repo;
    }

    @Test
    void printsRecallAndMrrByKindAsATableAndAsJson() throws Exception {
        Path repo = shopWithHistory();
        assertThat(rag("ingest", repo.toString()).exitCode()).isZero();

        CliRun text = rag("eval", "--project", "shop", "--questions", "6");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("shop at [0-9a-f]{12}: 3 questions")
                .containsPattern("(?s)kind.*\\ndoc .*\\nhistory .*\\nall ")
                .containsPattern("history\\s+2\\s+\\d\\.\\d{3}\\s+\\d\\.\\d{3}\\s+\\d\\.\\d{3}")
                .containsPattern("doc\\s+1\\s+")
                .containsPattern("all\\s+3\\s+")
                .contains("note: history: 2 of the 3 commits read");
        assertThat(text.err()).contains("questions made; building the scratch index").contains("tree 1/");

        CliRun json = rag("eval", "--project", "shop", "--questions", "6", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.fieldNames()).toIterable().containsExactly("questions", "recall1", "recall5", "mrr",
                "byKind", "commit", "notes");
        assertThat(report.get("questions").asInt()).isEqualTo(3);
        assertThat(report.get("byKind").get("history").get("questions").asInt()).isEqualTo(2);
        assertThat(report.get("byKind").get("doc").get("questions").asInt()).isEqualTo(1);
        double recall5 = report.get("recall5").asDouble();
        assertThat(recall5).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(report.get("recall1").asDouble());
        assertThat(report.get("commit").asText()).hasSize(40);
    }

    @Test
    void verboseShowsEveryQuestionWithWhatAnswersItAndWhatRankedFirst() throws Exception {
        Path repo = shopWithHistory();
        assertThat(rag("ingest", repo.toString()).exitCode()).isZero();

        CliRun json = rag("eval", "--project", "shop", "--questions", "6", "--json", "--verbose");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode results = JSON.readTree(json.out()).get("results");
        assertThat(results).hasSize(3);
        JsonNode doc = null;
        for (JsonNode result : results) {
            assertThat(result.fieldNames()).toIterable().containsExactly("kind", "question", "origin", "expected",
                    "rank", "top");
            int rank = result.get("rank").asInt();
            assertThat(rank).isBetween(0, 10);
            if (rank > 0) { // the rank is where the first expected file stands in what was ranked
                assertThat(result.get("expected").toString()).contains(result.get("top").get(rank - 1).asText());
            }
            if (result.get("kind").asText().equals("doc")) {
                doc = result;
            }
        }
        assertThat(doc).isNotNull();
        assertThat(doc.get("question").asText()).isEqualTo("Reads the configuration file at the given path and parses it");
        assertThat(doc.get("origin").asText()).isEqualTo("src/shop/ConfigLoader.java:4");
        assertThat(doc.get("expected").get(0).asText()).isEqualTo("src/shop/ConfigLoader.java");

        CliRun text = rag("eval", "--project", "shop", "--questions", "6", "--verbose");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("Retry card charges that time out at the payment gateway")
                .contains("Strip white space around the config before parsing it")
                .containsPattern("doc\\s+(#\\d+|-)\\s+Reads the configuration file at the given path and parses it\\n"
                        + "\\s+from src/shop/ConfigLoader.java:4; answered by src/shop/ConfigLoader.java\\n\\s+ranked \\S");
        CliRun plain = rag("eval", "--project", "shop", "--questions", "6", "--json");
        assertThat(JSON.readTree(plain.out()).has("results")).isFalse();
    }

    @Test
    void aRepositoryWithNothingToAskAboutOrNotReadyGetsAClearMessage() throws Exception {
        Path repo = TestRepos.create(tmp.resolve("shop"), TestRepos.shop());
        rag("add", repo.toString(), "--name", "shop");

        CliRun pending = rag("eval", "--project", "shop");
        assertThat(pending.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(pending.err()).contains("error: project 'shop' is not READY: run its ingestion, then evaluate it");

        rag("process", "--project-id", "shop");
        CliRun nothing = rag("eval", "--project", "shop");
        assertThat(nothing.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(nothing.err()).contains("error: no question could be made from 'shop': history: 1 commit of"
                + " history is available").contains("doc comments: 0 source files").doesNotContain("Exception");

        CliRun unknown = rag("eval", "--project", "nope");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no project with id or name 'nope'");
    }
}

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

/** Each command in-process, on the embedded store with the fast test embedder and real Git repositories. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Map<String, String> env;
    private Path repo;

    @BeforeEach
    void setUp() throws Exception {
        env = new HashMap<>();
        env.put("RAG_HOME", tmp.resolve("home").toString());
        env.put("RAG_EMBEDDER", "hashing");
        repo = TestRepos.create(tmp.resolve("shop"), TestRepos.shop());
    }

    private CliRun rag(String... args) {
        return CliRun.run(env, "", args);
    }

    @Test
    void ingestIndexesARepositoryAndReportsProgressAsPlainLines() {
        CliRun run = rag("ingest", repo.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("shop is READY: 4 files, \\d+ chunks \\(\\d+ embedded now\\), 1 skipped,"
                + " commit [0-9a-f]{12}");
        assertThat(run.err()).contains("shop: indexing commit").containsPattern("shop: \\d+% \\(");
        assertThat(run.err()).doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void anIngestionThatSkippedEveryFileSaysNothingWasIndexedAndWhereToSeeWhy() throws Exception {
        Path logos = TestRepos.create(tmp.resolve("logos"), Map.of("logo.png", "\u0089PNG\r\n\u001a\n\u0000",
                "package-lock.json", "{}\n"));

        CliRun run = rag("ingest", logos.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("logos is READY: 0 files, 0 chunks (0 embedded now), 2 skipped")
                .containsPattern("nothing was indexed: every file was skipped; 'rag status --project-id [0-9a-f-]{36}"
                        + " --skipped' says why");
        assertThat(rag("ingest", repo.toString()).out()).doesNotContain("nothing was indexed");
    }

    @Test
    void aLocalPathOnTheCommandLineNeedsNoWarningAboutAVariableNobodySet() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            assertThat(rag("add", repo.toString()).exitCode()).isZero();
            assertThat(rag("process").exitCode()).isZero();
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("RAG_ALLOW_LOCAL_SOURCES") || m.contains("local sources are allowed"));
    }

    @Test
    void statusShowsATableAndStableJson() throws Exception {
        rag("ingest", repo.toString());
        rag("add", "https://github.com/acme/other.git", "--name", "other");

        CliRun table = rag("status");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("NAME", "STATUS", "PROGRESS", "ETA", "FILES", "CHUNKS", "SKIPPED", "INDEXED",
                        "COMMIT", "NOTE")
                .containsPattern("shop\\s+READY\\s+100%\\s+-\\s+4\\s+(\\d+)\\s+1\\s+\\1\\s")
                .containsPattern("other\\s+PENDING\\s+0%\\s+-\\s+0\\s+0\\s+0\\s+-\\s+-\\s+\\S+\\s+"
                        + "not queued: no ingestion has been requested yet")
                .contains("2 project(s): 1 READY, 0 PROCESSING, 1 PENDING, 0 FAILED; success rate 100%;"
                        + " median processing time");

        JsonNode json = JSON.readTree(rag("status", "--json").out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
        JsonNode shop = json.get(0);
        // The API's own fields and names (GET /api/projects).
        assertThat(shop.fieldNames()).toIterable().containsExactly("id", "name", "repoUrl", "ref", "status",
                "progress", "etaSeconds", "files", "filesDone", "chunks", "chunksTotal", "skipped", "commit", "error",
                "answerable", "jobId", "createdAt", "updatedAt", "waitingFor", "indexedFiles", "indexedChunks",
                "indexedCommit", "modelSwitch", "remoteCommit", "remoteCheckedAt", "remoteMoved", "freshness", "include",
                "exclude");
        assertThat(shop.get("etaSeconds").isNull()).as("a READY job has no time left").isTrue();
        assertThat(shop.get("status").asText()).isEqualTo("READY");
        assertThat(shop.get("progress").asInt()).isEqualTo(100);
        assertThat(shop.get("files").asInt()).isEqualTo(4);
        assertThat(shop.get("filesDone").asInt()).isEqualTo(4);
        assertThat(shop.get("chunks").asLong()).isEqualTo(shop.get("chunksTotal").asLong()).isPositive();
        assertThat(shop.get("skipped").asInt()).isEqualTo(1);
        assertThat(shop.get("commit").asText()).hasSize(40);
        assertThat(shop.get("answerable").asBoolean()).isTrue();
        assertThat(shop.get("repoUrl").asText()).isEqualTo(repo.toAbsolutePath().toString());
        assertThat(json.get(1).get("waitingFor").asText()).isEqualTo("not queued: no ingestion has been requested"
                + " yet");
    }

    @Test
    void includeAndExcludeAreTheProjectsOwnRulesKeptForItsNextIngest() throws Exception {
        Path framework = TestRepos.create(tmp.resolve("framework"), Map.of(
                "src/app.py", "def create_app():\n    return App()\n",
                "docs/sessions.md", "# Sessions\n\nSet SECRET_KEY to sign the session cookie.\n",
                "examples/hello.py", "def hello():\n    return 'hi'\n"));
        CliRun estimate = rag("estimate", framework.toString(), "--include", "docs/**", "--exclude=examples/**");
        assertThat(estimate.exitCode()).as(estimate.toString()).isZero();
        assertThat(estimate.out()).contains("files:    2 to index");
        assertThat(rag("estimate", framework.toString()).out()).as("without rules").contains("files:    2 to index")
                .containsPattern("1 +excluded by path pattern");

        CliRun ingest = rag("ingest", framework.toString(), "--include", "docs/**", "--exclude", "examples/**",
                "--json");
        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
        JsonNode project = JSON.readTree(ingest.out());
        assertThat(project.get("files").asInt()).isEqualTo(2);
        assertThat(project.get("include")).extracting(JsonNode::asText).containsExactly("docs/**");
        assertThat(project.get("exclude")).extracting(JsonNode::asText).containsExactly("examples/**");
        assertThat(rag("ask", "--project", "framework", "how is the session cookie signed?").out())
                .contains("docs/sessions.md");
        assertThat(rag("status", "--project-id", "framework").out()).containsPattern(
                "framework\\s+READY.*also docs/\\*\\*; not examples/\\*\\*");

        // Run again without them, the project keeps its rules; --include= clears that list alone.
        assertThat(JSON.readTree(rag("ingest", framework.toString(), "--json").out()).get("include")).hasSize(1);
        JsonNode cleared = JSON.readTree(rag("ingest", framework.toString(), "--include=", "--json").out());
        assertThat(cleared.get("include")).isEmpty();
        assertThat(cleared.get("exclude")).hasSize(1);
        assertThat(cleared.get("files").asInt()).as("the manual is out again, the examples still").isEqualTo(1);

        // A comma inside braces is the glob's: the option is cut at the others.
        JsonNode braces = JSON.readTree(rag("ingest", framework.toString(), "--include", "docs/{sessions,api}.md,*.rst",
                "--json").out());
        assertThat(braces.get("include")).extracting(JsonNode::asText).containsExactly("docs/{sessions,api}.md", "*.rst");
        assertThat(braces.get("files").asInt()).isEqualTo(2);

        CliRun bad = rag("ingest", framework.toString(), "--exclude", "docs/{a,b");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unbalanced braces").doesNotContain("Exception");
    }

    @Test
    void statusSkippedListsTheFilesLeftOutAndWhy() throws Exception {
        assertThat(rag("status", "--skipped").exitCode()).as("needs a project").isEqualTo(2);
        rag("ingest", repo.toString());

        CliRun text = rag("status", "--project-id", "shop", "--skipped");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("shop: 1 file\\(s\\) left out at commit [0-9a-f]{12}")
                .containsPattern("\\s+1  may hold secrets \\(SECRET\\)")
                .containsPattern("SIZE\\s+RULE\\s+PATH")
                .containsPattern("23 B\\s+SECRET\\s+\\.env");
        JsonNode json = JSON.readTree(rag("status", "--project-id", "shop", "--skipped", "--json").out());
        assertThat(json.fieldNames()).toIterable().containsExactly("projectId", "jobId", "commit", "total", "counts",
                "reason", "offset", "limit", "files");
        assertThat(json.get("files")).singleElement().satisfies(f -> {
            assertThat(f.get("path").asText()).isEqualTo(".env");
            assertThat(f.get("reason").asText()).isEqualTo("SECRET");
            assertThat(f.get("size").asLong()).isEqualTo(23);
        });
    }

    @Test
    void askAnswersWithCitationsAsTextAndJson() throws Exception {
        rag("ingest", repo.toString());

        CliRun text = rag("ask", "--project", "shop", "where is parseConfigFile?");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("[1] src/shop/ConfigLoader.java:1-");

        JsonNode json = JSON.readTree(rag("ask", "--project", "shop", "--json", "where is parseConfigFile?").out());
        assertThat(json.get("answer").asText()).contains("parseConfigFile");
        JsonNode first = json.get("citations").get(0);
        assertThat(first.get("path").asText()).isEqualTo("src/shop/ConfigLoader.java");
        assertThat(first.get("startLine").asInt()).isEqualTo(1);
        assertThat(first.get("endLine").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(first.get("commit").asText()).hasSize(40);
        assertThat(json.get("extractive").asBoolean()).isTrue();
    }

    @Test
    void escapeSequencesAndNewlinesFromARepositoryNeverReachTheTerminalRaw() throws Exception {
        String evilName = "src/shop/Evil\n  [9] forged.java:1-2 \u001b[31mred\u0007\u202e.java";
        Path evil = TestRepos.create(tmp.resolve("evil"), Map.of(evilName,
                "class Evil {\n  // \u001b]0;owned\u0007 \u001b[2J cleared\n  void refundEverythingNow() {}\n}\n"));
        assertThat(rag("ingest", evil.toString()).exitCode()).isZero();

        CliRun text = rag("ask", "--project", "evil", "where is refundEverythingNow?");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        String out = text.out() + text.err();
        assertThat(out).doesNotContain("\u001b", "\u0007", "\u202e").contains("refundEverythingNow");
        assertThat(out).contains("\\x1b[2J cleared").contains("\\x1b]0;owned\\x07");
        // The passages' citation lines (no chat model here; with one, the Sources: lines) stay one line each.
        assertThat(text.out()).contains("[1] src/shop/Evil\\x0a  [9] forged.java:1-2 \\x1b[31mred\\x07\\u202e.java:1-")
                .doesNotContain("\n  [9] forged");
    }

    @Test
    void askWithRepoIsTheMainJobInOneCommandAndUpdatesIncrementally() throws Exception {
        CliRun first = rag("ask", "--repo", repo.toString(), "--json", "how is the cart total computed?");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(JSON.readTree(first.out()).get("citations").get(0).get("path").asText())
                .isEqualTo("src/shop/Cart.java");

        TestRepos.commit(repo, Map.of("src/shop/Refunds.java", "class Refunds {\n  void refundOrder() {}\n}\n"),
                "refunds");
        CliRun second = rag("ask", "--repo", repo.toString(), "--json", "where is refundOrder?");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(JSON.readTree(second.out()).get("citations").get(0).get("path").asText())
                .isEqualTo("src/shop/Refunds.java");

        JsonNode status = JSON.readTree(rag("status", "--json").out());
        assertThat(status).hasSize(1); // the same project, updated
    }

    @Test
    void processGoesOnPastAFailingProjectAndSaysSo() {
        String good = rag("add", repo.toString()).out().strip();
        env.put("RAG_ALLOW_LOCAL_SOURCES", "true");
        CliRun addMissing = rag("add", "https://127.0.0.1:9/missing.git", "--name", "missing");
        assertThat(addMissing.exitCode()).as(addMissing.toString()).isZero();

        CliRun run = rag("process", "--all-pending");

        assertThat(good).matches("[0-9a-f-]{36}");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("shop is READY").contains("missing FAILED:")
                .contains("processed 2 project(s): 1 READY, 1 FAILED");
        assertThat(rag("status", "--failed").out()).contains("missing").doesNotContain("shop ");
    }

    @Test
    void processWithNoArgumentsProcessesEveryPendingProjectAndSaysSo() {
        CliRun empty = rag("process");
        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.out()).contains("processing every PENDING project").contains("nothing to process: no project"
                + " is PENDING");

        rag("add", repo.toString());
        CliRun run = rag("process");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("processing every PENDING project").contains("shop is READY")
                .contains("processed 1 project(s): 1 READY, 0 FAILED");
        assertThat(rag("process", "--retry-failed").out()).doesNotContain("processing every PENDING")
                .contains("nothing to process: no project is FAILED");
    }

    @Test
    void chatKeepsAConversation() {
        rag("ingest", repo.toString());

        CliRun chat = CliRun.run(env, "where is parseConfigFile?\nand the cart total?\n\n", "chat", "--project",
                "shop");

        assertThat(chat.exitCode()).as(chat.toString()).isZero();
        assertThat(chat.out()).contains("Chatting about shop").contains("ConfigLoader.java").contains("Cart.java");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(rag("ingest").exitCode()).isEqualTo(2);
        assertThat(rag("status", "--bogus").exitCode()).isEqualTo(2);
        CliRun unknown = rag("ask", "--project", "nope", "hello?");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("error: no project with id or name 'nope'; see `rag status`\n");
        assertThat(rag("ask", "--project", "a", "--repo", "b", "q").exitCode()).isEqualTo(2);
        assertThat(rag("ingest", tmp.resolve("no-such-dir").toString()).err()).contains("no directory at");
    }

    @Test
    void badConfigurationIsOneLineAndExitCodeThree() {
        env.put("RAG_BATCH_SIZE", "lots");
        CliRun run = rag("status");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("configuration error: RAG_BATCH_SIZE must be a whole number from 1 to 2048,"
                + " got 'lots'\n");

        env.remove("RAG_BATCH_SIZE");
        env.put("RAG_EMBEDDER", "openai");
        assertThat(rag("status").err()).isEqualTo("configuration error: RAG_EMBEDDER=openai needs OPENAI_API_KEY\n");

        env.put("RAG_EMBEDDER", "hashing");
        env.put("DATABASE_URL", "mysql://nope");
        CliRun db = rag("status");
        assertThat(db.exitCode()).isEqualTo(3);
        assertThat(db.err()).startsWith("configuration error: ").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void anotherModelOpensAStoreHoldingVectorsAndSaysWhatToDo() {
        // A first command on a fresh home with the in-process model; the store stays empty.
        env.put("RAG_EMBEDDER", "local");
        assertThat(rag("add", repo.toString()).exitCode()).isZero();
        env.put("RAG_EMBEDDER", "hashing");
        CliRun ingest = rag("ingest", repo.toString());
        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();

        env.put("RAG_EMBEDDER", "local");
        CliRun status = rag("status");
        CliRun ask = rag("ask", "--project", "shop", "how is the cart total computed?");

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("run rag reembed: indexed with model 'hashing-256' (256 dimensions)");
        assertThat(ask.exitCode()).as(ask.toString()).isEqualTo(1);
        assertThat(ask.err()).contains("is indexed with embedding model 'hashing-256' (256 dimensions)")
                .contains("rag reembed --project-id").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void secretsNeverAppearInOutput() {
        env.put("OPENAI_API_KEY", "sk-test-secret-value-123");
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        env.put("RAG_EMBEDDER", "hashing");
        env.put("RAG_TIMEOUT", "2");
        rag("ingest", repo.toString());

        CliRun run = rag("ask", "--project", "shop", "what is the cart?");

        assertThat(run.toString()).doesNotContain("sk-test-secret-value-123");
        // The chat model is out of reach: the answer is the passages, saying why.
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("The chat model could not answer (could not connect to");
    }

    @Test
    void migrateSaysTheEmbeddedStoreNeedsNothing() {
        CliRun run = rag("migrate");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("nothing to migrate");
    }

    @Test
    void helpAndVersion() {
        CliRun help = rag("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("ingest", "add", "process", "status", "ask", "chat", "worker", "migrate",
                "Exit codes:");
        assertThat(rag("--version").out()).startsWith("repo-rag ");
    }
}

package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rag sync, rag estimate and rag ingest --max-tokens on the embedded store, against real Git repositories. */
class SyncAndEstimateCommandsTest {
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

    private static String head(Path repo) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    @Test
    void syncQueuesAReindexOnlyWhenTheBranchMoved() throws Exception {
        assertThat(rag("ingest", repo.toString()).exitCode()).isZero();
        String indexed = head(repo);

        CliRun same = rag("sync");
        assertThat(same.exitCode()).as(same.toString()).isZero();
        assertThat(same.out()).contains("shop: up to date at " + indexed.substring(0, 7))
                .contains("synced 1 project(s): 0 to re-index, 1 up to date");
        assertThat(JSON.readTree(rag("status", "--json").out()).get(0).path("status").asText()).isEqualTo("READY");

        TestRepos.commit(repo, Map.of("src/shop/Refunds.java", "class Refunds {\n  void refundOrder() {}\n}\n"), "refunds");
        String moved = head(repo);
        CliRun queued = rag("sync", "--all");
        assertThat(queued.out()).contains("shop: index at " + indexed.substring(0, 7) + ", ref at " + moved.substring(0, 7)
                + ": re-index queued").contains("1 to re-index");

        JsonNode status = JSON.readTree(rag("status", "--json").out()).get(0);
        assertThat(status.path("status").asText()).isEqualTo("PENDING");
        assertThat(status.path("remoteCommit").asText()).isEqualTo(moved);
        assertThat(status.path("remoteMoved").asBoolean()).isTrue();
        assertThat(rag("status").out()).contains("index at " + indexed.substring(0, 7) + ", ref at " + moved.substring(0, 7));

        JsonNode again = JSON.readTree(rag("sync", "--json", "--project-id", "shop").out()).get(0);
        assertThat(again.path("outcome").asText()).isEqualTo("ALREADY_QUEUED");
        assertThat(again.path("remoteCommit").asText()).isEqualTo(moved);

        assertThat(rag("process").exitCode()).isZero();
        JsonNode ready = JSON.readTree(rag("status", "--json").out()).get(0);
        assertThat(ready.path("indexedCommit").asText()).isEqualTo(moved);
        assertThat(ready.path("remoteMoved").asBoolean()).isFalse();
        assertThat(rag("sync").out()).contains("shop: up to date at " + moved.substring(0, 7));
    }

    @Test
    void aRemoteThatCannotBeReadIsReportedAndTheOthersAreStillSynced() throws Exception {
        Path other = TestRepos.create(tmp.resolve("other"), Map.of("a.py", "def a():\n    return 1\n"));
        assertThat(rag("ingest", repo.toString()).exitCode()).isZero();
        assertThat(rag("ingest", other.toString()).exitCode()).isZero();
        CleanUp.delete(other);
        TestRepos.commit(repo, Map.of("src/shop/Refunds.java", "class Refunds {}\n"), "refunds");

        CliRun run = rag("sync");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("other: could not read the remote").contains("shop: index at")
                .contains("1 could not be read").doesNotContain("Exception");
        assertThat(rag("sync", "--project-id", "nope").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void estimateTellsWhatAnIngestionWillEmbedWithoutEmbedding() throws Exception {
        CliRun text = rag("estimate", repo.toString());
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("files:    4 to index").contains("1 left out").contains("chunks:")
                .contains("tokens:").contains("as hashing-256 reads them")
                .contains("cost:     no cost (hashing-256, in this process)").contains("time:     about");

        JsonNode estimate = JSON.readTree(rag("estimate", repo.toString(), "--json").out());
        assertThat(JSON.readTree(rag("status", "--json").out())).as("nothing registered").isEmpty();

        assertThat(rag("ingest", repo.toString()).exitCode()).isZero();
        JsonNode status = JSON.readTree(rag("status", "--json").out()).get(0);
        assertThat(estimate.path("chunks").asLong()).isEqualTo(status.path("indexedChunks").asLong());
        assertThat(estimate.path("filesKept").asInt()).isEqualTo(status.path("indexedFiles").asInt());
        assertThat(estimate.path("commit").asText()).isEqualTo(head(repo));
        assertThat(estimate.path("skippedByRule").path("SECRET").asInt()).isEqualTo(1);

        CliRun missing = rag("estimate", tmp.resolve("missing").toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("missing").doesNotContain("Exception");
    }

    @Test
    void ingestOverItsTokenBudgetDoesNotStart() throws Exception {
        CliRun over = rag("ingest", repo.toString(), "--max-tokens", "40");
        assertThat(over.exitCode()).as(over.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(over.out()).contains("not started: indexing " + repo.toAbsolutePath())
                .contains("over the budget of 40 (--max-tokens or RAG_MAX_TOKENS_PER_JOB)").contains("rag estimate");
        assertThat(JSON.readTree(rag("status", "--json").out())).as("nothing registered").isEmpty();

        CliRun enough = rag("ingest", repo.toString(), "--max-tokens", "1000000");
        assertThat(enough.exitCode()).as(enough.toString()).isZero();
        assertThat(rag("ingest", repo.toString(), "--max-tokens", "0").exitCode()).isEqualTo(ExitCodes.CONFIG);
    }

    @Test
    void aQueuedJobOverTheBudgetStopsCleanlyAndARetryWithMoreFinishesIt() throws Exception {
        assertThat(rag("add", repo.toString()).exitCode()).isZero();
        env.put("RAG_MAX_TOKENS_PER_JOB", "40");
        CliRun stopped = rag("process");
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(stopped.out()).contains("FAILED").contains("budget of 40 tokens").contains("rag estimate");
        JsonNode failed = JSON.readTree(rag("status", "--json").out()).get(0);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        long kept = failed.path("chunks").asLong();

        env.put("RAG_MAX_TOKENS_PER_JOB", "1000000");
        assertThat(rag("process", "--retry-failed").exitCode()).isZero();
        JsonNode ready = JSON.readTree(rag("status", "--json").out()).get(0);
        assertThat(ready.path("status").asText()).isEqualTo("READY");
        assertThat(ready.path("chunks").asLong()).isGreaterThanOrEqualTo(kept);
    }

    @Test
    void theSyncIntervalIsADurationOfTenSecondsOrMore() {
        assertThat(Config.fromEnvironment(Map.of("RAG_SYNC_INTERVAL", "15m")).syncInterval())
                .isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(Config.fromEnvironment(Map.of("RAG_SYNC_INTERVAL", "90")).syncInterval())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(Config.fromEnvironment(Map.of()).syncInterval()).isNull();
        env.put("RAG_SYNC_INTERVAL", "5s");
        CliRun bad = rag("status");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(bad.err()).contains("RAG_SYNC_INTERVAL must be a duration such as 15m");
        env.put("RAG_SYNC_INTERVAL", "1h");
        env.put("RAG_MAX_TOKENS_PER_JOB", "lots");
        assertThat(rag("status").err()).contains("RAG_MAX_TOKENS_PER_JOB must be a whole number");
    }

    /** Removes a directory tree. */
    private static final class CleanUp {
        static void delete(Path dir) throws Exception {
            try (var paths = java.nio.file.Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }
}

package dev.reporag.reliability;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Metering;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two `rag worker` processes on one PostgreSQL schema, one API key: they share its budget through
 * the database instead of each spending all of it, so both jobs end READY with few 429s while
 * together they use most of the budget. The key itself is never stored.
 */
class SharedBudgetTest {
    private static final long TPM = 600_000;

    @TempDir
    Path tmp;

    @Test
    void twoWorkersSharingAKeyShareItsBudgetThroughTheDatabase() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(50, 10));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(); TestSchema db = new TestSchema("budget")) {
            // A bucket of 5 s: two processes each spending the whole budget would drain it in seconds.
            fake.limits(3_000, TPM, 5);
            fake.metering = Metering.CL100K;
            fake.latencyMillis = 50;
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY,
                    "OPENAI_BASE_URL", fake.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_CHUNK_SIZE", "300",
                    "RAG_CHUNK_OVERLAP", "60", "RAG_ALLOW_LOCAL_SOURCES", "true", "DATABASE_URL", db.databaseUrl()));
            try (Child first = worker(env, "a"); Child second = worker(env, "b")) {
                String a = CrashTest.awaitMatch(first, Pattern.compile("worker (w-[0-9a-f]+) running"), 60).group(1);
                String b = CrashTest.awaitMatch(second, Pattern.compile("worker (w-[0-9a-f]+) running"), 60).group(1);
                try (PgDatabase pg = db.openAsStored()) {
                    JobId one = EmbeddingFaultsTest.enqueue(pg, "one", repo);
                    JobId two = EmbeddingFaultsTest.enqueue(pg, "two", repo);
                    IngestionJob doneOne = EmbeddingFaultsTest.await(pg, one, 240);
                    IngestionJob doneTwo = EmbeddingFaultsTest.await(pg, two, 240);

                    assertThat(doneOne.status()).as(doneOne.error()).isEqualTo(JobStatus.READY);
                    assertThat(doneTwo.status()).as(doneTwo.error()).isEqualTo(JobStatus.READY);
                    // One job each: the two processes embedded at the same time.
                    assertThat(first.output() + second.output()).contains("worker " + a + " processing job")
                            .contains("worker " + b + " processing job");
                }
                List<FakeOpenAiServer.Logged> log = fake.log();
                long limited = log.stream().filter(r -> r.status() == 429).count();
                List<FakeOpenAiServer.Logged> accepted = log.stream().filter(r -> r.status() == 200).toList();
                long metered = accepted.stream().mapToLong(FakeOpenAiServer.Logged::metered).sum();
                double seconds = (accepted.get(accepted.size() - 1).atNanos() - log.get(0).atNanos()) / 1e9;
                double share = metered / (seconds / 60) / TPM;
                System.out.printf("two workers: %,d tokens in %.1f s = %.3f of %,d TPM; %d of %d requests answered"
                        + " 429%n", metered, seconds, share, TPM, limited, log.size());
                assertThat((double) limited / log.size()).as("share of requests answered 429").isLessThanOrEqualTo(0.02);
                assertThat(share).as("combined throughput / TPM").isGreaterThanOrEqualTo(0.85);
                try (Statement statement = db.connection().createStatement();
                     ResultSet rows = statement.executeQuery("SELECT key_hash FROM rate_budget")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).startsWith("openai:").doesNotContain(FakeOpenAiServer.KEY)
                            .doesNotContain("SECRET");
                    assertThat(rows.next()).as("one budget for the one key").isFalse();
                }
                first.signal("TERM");
                second.signal("TERM");
                first.waitFor(30);
                second.waitFor(30);
            }
        }
    }

    private Child worker(Map<String, String> env, String name) {
        Map<String, String> own = new HashMap<>(env);
        own.put("RAG_HOME", tmp.resolve("home-" + name).toString());
        return Child.start(tmp.resolve("worker-" + name + ".log"), own, "worker", "--concurrency", "1");
    }
}

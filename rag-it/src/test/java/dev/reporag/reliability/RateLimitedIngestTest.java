package dev.reporag.reliability;

import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Metering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 429 never fails a job: against a server that enforces 400,000 tokens a minute in a bucket that
 * refills over 2 s (as on low API tiers and on Groq), `rag ingest` of about 5,000 chunks slows down
 * and ends READY with exactly the chunks of an unthrottled run.
 */
class RateLimitedIngestTest {
    private static final long TPM = 400_000;

    @TempDir
    Path tmp;

    @Test
    void aTightBucketSlowsTheIngestionButItEndsReadyWithTheChunksOfAnUnthrottledRun() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(125, 10));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            fake.metering = Metering.CHARS_4;
            fake.latencyMillis = 20;
            ingest(fake, repo, tmp.resolve("free"));
            List<StoredChunks.Stored> free = StoredChunks.embedded(tmp.resolve("free"));
            fake.clearLog();

            fake.limits(3_000, TPM, 2);
            long start = System.nanoTime();
            String output = ingest(fake, repo, tmp.resolve("tight"));
            double seconds = (System.nanoTime() - start) / 1e9;
            List<StoredChunks.Stored> tight = StoredChunks.embedded(tmp.resolve("tight"));

            assertThat(output).contains("READY").doesNotContain("FAILED").doesNotContain(FakeOpenAiServer.KEY);
            assertThat(free).hasSizeBetween(4_500, 6_000);
            assertThat(tight).hasSameSizeAs(free);
            assertThat(CrashTest.contents(tight)).isEqualTo(CrashTest.contents(free));
            List<FakeOpenAiServer.Logged> log = fake.log();
            long limited = log.stream().filter(r -> r.status() == 429).count();
            long metered = log.stream().filter(r -> r.status() == 200).mapToLong(FakeOpenAiServer.Logged::metered)
                    .sum();
            // Paced by the server's own count, not by trial and error.
            assertThat((double) limited / log.size()).as("share of requests answered 429").isLessThanOrEqualTo(0.05);
            System.out.printf("%d chunks in %.1f s at %.2f of %,d TPM; %d of %d requests answered 429%n",
                    tight.size(), seconds, metered / (seconds / 60) / TPM, TPM, limited, log.size());
        }
    }

    private String ingest(FakeOpenAiServer fake, Path repo, Path home) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL",
                fake.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_CHUNK_SIZE", "200", "RAG_CHUNK_OVERLAP", "40",
                "RAG_ALLOW_LOCAL_SOURCES", "true", "RAG_HOME", home.toString()));
        Path log = tmp.resolve(home.getFileName() + ".log");
        int exit = Child.run(log, 300, env, "ingest", repo.toString());
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        return output;
    }
}

package dev.reporag.reliability;

import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An embedding API answering every request with 200 MB: `rag ingest` at -Xmx256m reads each answer
 * only up to its limit, tries smaller requests, then fails the job with an error to act on, in
 * bounded time and without running out of memory.
 */
class HugeResponseTest {
    @TempDir
    Path tmp;

    @Test
    void answersOfHundredsOfMegabytesFailTheJobInsteadOfTheHeap() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(3, 2));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            fake.hugeBytes = 200L << 20;
            fake.randomFaults(1.0, Fault.HUGE);
            Path log = tmp.resolve("ingest.log");

            long start = System.nanoTime();
            int exit = Child.run(log, 120, Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL",
                    fake.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "64", "RAG_BATCH_SIZE", "4",
                    "RAG_ALLOW_LOCAL_SOURCES", "true", "RAG_HOME", tmp.resolve("home").toString()),
                    "ingest", repo.toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            String output = Files.readString(log);

            assertThat(exit).as(output).isEqualTo(1);
            assertThat(output).contains("FAILED").contains("sent a response larger than 8 MiB")
                    .contains("for a single input; check the base URL and the model")
                    .doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
            assertThat(seconds).isLessThan(60);
        }
    }
}

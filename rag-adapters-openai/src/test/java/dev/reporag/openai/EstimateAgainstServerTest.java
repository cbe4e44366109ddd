package dev.reporag.openai;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Estimate;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The estimate's token totals against what the fake OpenAI server counts for the same ingestion:
 * usage with the tokenizer OpenAI bills by, and the rate limiter's count. The repository is this
 * project's own core sources, so the text is real code.
 */
class EstimateAgainstServerTest {
    private static final String SOURCE = "https://github.com/acme/reporag-core.git";
    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static Map<String, String> coreSources() throws IOException {
        Path root = Path.of("..", "rag-core", "src", "main", "java").toAbsolutePath().normalize();
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                files.put("src/" + root.relativize(path).toString().replace('\\', '/'), Files.readString(path));
            }
        }
        files.put("README.md", "# core\n");
        return files;
    }

    @Test
    void theEstimateIsWithinTwoPercentOfWhatTheServerCounts() throws IOException {
        server.metering = FakeOpenAiServer.Metering.CHARS_4;
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        Map<String, String> files = coreSources();
        assertThat(files).hasSizeGreaterThan(50);
        source.commit(SOURCE, files);
        OpenAiEmbedder embedder = new OpenAiEmbedder(OpenAiEmbeddingSettings.of(FakeOpenAiServer.KEY)
                .withBaseUrl(server.baseUrl()));
        try (RepoRag rag = RepoRag.builder().source(source).embedder(embedder)
                .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().rateLimits(RateLimits.OPENAI_TIER_1).build()).build()) {
            Estimate estimate = rag.estimate(SOURCE, null, true);
            assertThat(server.log()).as("an estimate sends nothing").isEmpty();

            Project project = rag.register("core", SOURCE, null);
            rag.requestIngestion(project.id());
            assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);

            long usage = server.log().stream().filter(l -> l.status() == 200).mapToLong(FakeOpenAiServer.Logged::tokens)
                    .sum();
            long metered = server.log().stream().filter(l -> l.status() == 200)
                    .mapToLong(FakeOpenAiServer.Logged::metered).sum();
            long inputs = server.log().stream().filter(l -> l.status() == 200).mapToLong(FakeOpenAiServer.Logged::inputs)
                    .sum();
            System.out.printf("estimate: %d chunks, %d tokens, %d rate-limit tokens; server: %d inputs, %d tokens,"
                    + " %d metered%n", estimate.chunks(), estimate.tokens(), estimate.rateLimitTokens(), inputs, usage,
                    metered);
            assertThat(estimate.chunks()).isEqualTo(inputs);
            assertThat((double) estimate.tokens()).isCloseTo(usage, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat((double) estimate.rateLimitTokens())
                    .isCloseTo(metered, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(estimate.requests()).isEqualTo(server.log().stream().filter(l -> l.status() == 200).count());
            assertThat(estimate.costUsd()).isCloseTo(usage * 0.02 / 1e6, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(estimate.seconds()).isNotNull();
        }
    }
}

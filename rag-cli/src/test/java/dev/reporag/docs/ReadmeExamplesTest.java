package dev.reporag.docs;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.port.Embedder;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.openai.OpenAiAnswerModel;
import dev.reporag.openai.OpenAiChatSettings;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.openai.OpenAiEmbeddingSettings;
import dev.reporag.pgvector.PgDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java examples of README.md, verbatim between the BEGIN/END comments: DocsCheckTest checks
 * that every ```java block of the README appears here, so the compiler checks every class and
 * method the README names. The in-memory example runs; the production one needs an OpenAI key
 * and a PostgreSQL server, so it is compiled only (rag-cli's RenderBlueprintTest runs the same
 * wiring, through the CLI, against a real PostgreSQL).
 */
class ReadmeExamplesTest {

    @Test
    void theInMemoryExampleIndexesAndAnswersWithCitations() {
        // BEGIN README in-memory
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit("mem://shop", Map.of("src/Cart.java", "class Cart { Money total() { ... } }\n"));
        HashingEmbedder embedder = new HashingEmbedder();
        try (RepoRag rag = RepoRag.builder()
                .source(source)
                .embedder(embedder)
                .vectorStore(new InMemoryVectorStore(embedder.dimension()))
                .jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository())
                .build()) {
            Project shop = rag.register("shop", "mem://shop", null);
            rag.requestIngestion(shop.id());          // returns at once: PENDING
            rag.processNext("test-worker");           // a worker's work, here in the calling thread
            Answer answer = rag.ask(shop.id(), "how is the cart total computed?", null);
            assertThat(answer.citations()).extracting(Citation::label).containsExactly("src/Cart.java:1-1");
        }
        // END README in-memory
    }

    /** Compiled, not run: it needs OPENAI_API_KEY and DATABASE_URL. */
    @SuppressWarnings("unused")
    static RepoRag production() {
        // BEGIN README production
        Embedder embedder = new OpenAiEmbedder(OpenAiEmbeddingSettings.of(System.getenv("OPENAI_API_KEY")));
        PgDatabase db = PgDatabase.connect(System.getenv("DATABASE_URL"), embedder.modelId(), embedder.dimension());
        RepoRag rag = RepoRag.builder()
                .source(new JGitRepositorySource(GitSourceSettings.defaults(Path.of("/var/cache/repo-rag"))))
                .embedder(embedder)
                .vectorStore(db.vectorStore())
                .jobs(db.jobs())
                .conversations(db.conversations())
                .rateBudget(db.rateBudget())   // every process on this database shares the key's budget
                .settings(RagSettings.builder().rateLimits(RateLimits.OPENAI_TIER_1).build())
                .answerModel(new OpenAiAnswerModel(OpenAiChatSettings.openAi(System.getenv("OPENAI_API_KEY"))))
                .build();
        rag.newWorker(RepoRag.newWorkerId(), 2, IngestionListener.NONE).start();
        // END README production
        return rag;
    }
}

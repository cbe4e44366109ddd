package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.Embedder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What the embedder reads: a header with path, language and enclosing declaration, then the exact chunk. */
class EmbedTextTest {
    @Test
    void theHeaderNamesFileLanguageAndDeclaration() {
        Chunk chunk = Chunk.of(ProjectId.random(), "src/Cart.java", "java", 10, 11, "  a();\n  b();\n");
        assertThat(JobProcessor.embedText(chunk)).isEqualTo("src/Cart.java (java)\n  a();\n  b();\n");
        assertThat(JobProcessor.embedText(chunk, "class Cart > int total()"))
                .isEqualTo("src/Cart.java (java) class Cart > int total()\n  a();\n  b();\n");
    }

    @Test
    void chunksInsideAMethodAreEmbeddedWithItsNameButStoredExactly() {
        StringBuilder text = new StringBuilder("package shop;\n\npublic class Checkout {\n"
                + "    public Receipt settleInvoice(Order order) {\n");
        for (int i = 0; i < 80; i++) {
            text.append("        ledger.post(order.line(").append(i).append("), Account.SALES);\n");
        }
        text.append("        return receipt;\n    }\n}\n");
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit("mem://shop", Map.of("src/Checkout.java", text.toString()));
        HashingEmbedder hashing = new HashingEmbedder();
        List<String> texts = new CopyOnWriteArrayList<>(); // every text the embedder is given
        Embedder embedder = new HashingEmbedderWith(hashing, batch -> {
            texts.addAll(batch);
            return hashing.embedAll(batch);
        });
        InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
        try (RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store)
                .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository()).build()) {
            Project project = rag.register("shop", "mem://shop", null);
            rag.requestIngestion(project.id());
            assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);

            assertThat(texts).hasSizeGreaterThan(3);
            assertThat(texts.get(0)).startsWith("src/Checkout.java (java)\npackage shop;");
            // Later chunks hold only "ledger.post(...)" lines; the header says where they are.
            assertThat(texts.subList(1, texts.size())).allSatisfy(t -> assertThat(t)
                    .startsWith("src/Checkout.java (java) public class Checkout > public Receipt settleInvoice(Order"
                            + " order)\n        ledger.post("));
            List<ScoredChunk> stored = store.vectorSearch(project.id(), hashing.embedAll(
                    List.of("ledger")).get(0), 50);
            String[] lines = text.toString().split("(?<=\n)");
            assertThat(stored).isNotEmpty().allSatisfy(hit -> {
                Chunk c = hit.chunk();
                assertThat(c.text()).doesNotContain("(java)")
                        .isEqualTo(String.join("", List.of(lines).subList(c.startLine() - 1, c.endLine())));
            });
        }
    }
}

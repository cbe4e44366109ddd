package dev.reporag.core.ask;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.Languages;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retrieval techniques one by one, on rankings made here. */
class RetrieverTest {
    private static final ProjectId P = new ProjectId("p");

    private static ScoredChunk hit(String path, double score, String text) {
        return new ScoredChunk(Chunk.of(P, path, Languages.ofPath(path), 1, 1, text), score);
    }

    private static List<String> paths(List<ScoredChunk> ranked) {
        return ranked.stream().map(h -> h.chunk().path()).toList();
    }

    @Test
    void testCodeCountsForLessUnlessTheQuestionIsAboutTests() {
        List<ScoredChunk> fused = List.of(hit("src/test/java/ParserTest.java", 0.030, "parse(\"a=1\")"),
                hit("src/main/java/Parser.java", 0.020, "Config parse(String text)"),
                hit("src/main/java/Lexer.java", 0.012, "Token next()"));

        assertThat(paths(Retriever.reweighted(fused))).containsExactly("src/main/java/Parser.java",
                "src/test/java/ParserTest.java", "src/main/java/Lexer.java");
        assertThat(Retriever.aboutTests("how does the parser read key=value pairs?")).isFalse();
        assertThat(Retriever.aboutTests("where is the parser tested?")).isTrue();
        assertThat(Retriever.aboutTests("which fixtures does the parser spec use?")).isTrue();
    }

    @Test
    void answersDemoteTestCodeButNotForQuestionsAboutTests() {
        HashingEmbedder embedder = new HashingEmbedder(256, 4000);
        InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
        List<EmbeddedChunk> embedded = new ArrayList<>();
        for (Chunk chunk : List.of(
                Chunk.of(P, "src/test/java/RetryTest.java", "java", 1, 1,
                        "how is the retry header value parsed before the retry: assertEquals(5, wait)"),
                Chunk.of(P, "src/main/java/Retry.java", "java", 1, 1, "parse the retry header value"),
                Chunk.of(P, "src/main/java/Other.java", "java", 1, 1, "unrelated code about colours"))) {
            embedded.add(new EmbeddedChunk(chunk, embedder.embedAll(List.of(chunk.text())).get(0)));
        }
        store.upsert(embedded);
        String question = "how is the retry header value parsed before the retry";

        assertThat(new Retriever(store, q -> embedder.embedAll(List.of(q)).get(0), RetrievalOptions.BASELINE).files(P, question, 3).get(0))
                .isEqualTo("src/test/java/RetryTest.java");
        assertThat(new Retriever(store, q -> embedder.embedAll(List.of(q)).get(0)).files(P, question, 3).get(0)).isEqualTo("src/main/java/Retry.java");
        assertThat(new Retriever(store, q -> embedder.embedAll(List.of(q)).get(0)).files(P, question + " in the tests", 3).get(0))
                .isEqualTo("src/test/java/RetryTest.java");
    }

    @Test
    void techniquesAreNamedInAList() {
        assertThat(RetrievalOptions.parse("depth=5,tests")).isEqualTo(RetrievalOptions.DEFAULT);
        assertThat(RetrievalOptions.parse("none")).isEqualTo(RetrievalOptions.BASELINE);
    }
}

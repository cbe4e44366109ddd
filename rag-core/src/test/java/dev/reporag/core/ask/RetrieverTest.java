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
    void aNearCopyOfABetterChunkOfAnotherFileGoesLast() {
        String migration = "CREATE TABLE jobrunr_jobs (id NCHAR(36) PRIMARY KEY, version INT NOT NULL, state VARCHAR(36))";
        List<ScoredChunk> fused = List.of(hit("sql/postgres/v001.sql", 0.03, migration),
                hit("sql/mysql/v001.sql", 0.029, migration.replace("NCHAR", "CHAR")),
                hit("src/JobTable.java", 0.02, "class JobTable { void insert(Job job) { } }"),
                hit("sql/postgres/v001.sql", 0.019, migration + " -- same file, kept"));

        assertThat(paths(Retriever.duplicatesLast(fused))).containsExactly("sql/postgres/v001.sql",
                "src/JobTable.java", "sql/postgres/v001.sql", "sql/mysql/v001.sql");
    }

    @Test
    void aFileWithSeveralGoodChunksOutranksOneWithASingleSlightlyBetterChunk() {
        List<ScoredChunk> fused = List.of(hit("a/Sibling.java", 0.030, "x"), hit("a/Right.java", 0.028, "y"),
                hit("a/Right.java", 0.027, "z"), hit("a/Other.java", 0.01, "w"));

        assertThat(paths(Retriever.byFile(fused))).containsExactly("a/Right.java", "a/Right.java",
                "a/Sibling.java", "a/Other.java");
    }

    @Test
    void aLiteralOfTheQuestionFindsTheOneFileThatHoldsItExactly() {
        HashingEmbedder embedder = new HashingEmbedder(256, 4000);
        InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chunks.add(Chunk.of(P, "src/jobs/JobsView" + i + ".js", "javascript", 1, 3,
                    "// shows the jobs by state on the dashboard\nrender(jobs.byState(" + i + "));\n"));
        }
        chunks.add(Chunk.of(P, "src/metrics/Binder.java", "java", 1, 2,
                "class Binder {\n  void bind() { registry.gauge(\"jobrunr.jobs.by-state\", tags, count); }\n}\n"));
        List<EmbeddedChunk> embedded = new ArrayList<>();
        for (Chunk chunk : chunks) {
            embedded.add(new EmbeddedChunk(chunk, embedder.embedAll(List.of(chunk.text())).get(0)));
        }
        store.upsert(embedded);
        String question = "where is the gauge jobrunr.jobs.by-state registered?";

        List<String> with = new Retriever(store, embedder, RetrievalOptions.parse("literals")).files(P, question, 5);

        List<String> without = new Retriever(store, embedder, RetrievalOptions.parse("none")).files(P, question, 5);

        assertThat(with.get(0)).isEqualTo("src/metrics/Binder.java");
        assertThat(without.get(0)).as("the common words alone").isNotEqualTo("src/metrics/Binder.java");
    }

    @Test
    void techniquesAreNamedInAList() {
        assertThat(RetrievalOptions.parse("depth=5,tests,files"))
                .isEqualTo(new RetrievalOptions(5, true, false, false, true));
        assertThat(RetrievalOptions.parse("none")).isEqualTo(new RetrievalOptions(3, false, false, false, false));
    }
}

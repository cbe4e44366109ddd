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

    @Test
    void aNearCopyOfAFileRankedHigherGoesAfterEveryOtherFile() {
        String migration = "CREATE TABLE jobrunr_jobs (id CHAR(36) PRIMARY KEY, version INT NOT NULL, "
                + "jobAsJson TEXT NOT NULL, state VARCHAR(36) NOT NULL, createdAt TIMESTAMP NOT NULL)";
        List<ScoredChunk> ranked = List.of(
                hit("sql/common/migrations/v001__create_job_table.sql", 0.05, migration),
                hit("sql/oracle/migrations/v001__create_job_table.sql", 0.04,
                        migration.replace("TEXT", "CLOB").replace("VARCHAR", "VARCHAR2")),
                hit("sql/mysql/migrations/v001__create_job_table.sql", 0.035, migration.replace("TEXT", "LONGTEXT")),
                hit("sql/common/migrations/v002__create_index.sql", 0.03, "CREATE INDEX jobrunr_state_idx ON jobrunr_jobs (state)"),
                // Same name, other words: a different file, not a copy.
                hit("ui/jobs/index.js", 0.02, "export default function JobsView() { return table(jobs) }"),
                hit("ui/servers/index.js", 0.015, "const servers = await fetch('/api/servers'); render(servers)"),
                hit("sql/oracle/migrations/v001__create_job_table.sql", 0.01, "a later chunk of the copy"));

        assertThat(paths(Retriever.copiesLast(ranked))).containsExactly(
                "sql/common/migrations/v001__create_job_table.sql", "sql/common/migrations/v002__create_index.sql",
                "ui/jobs/index.js", "ui/servers/index.js",
                "sql/oracle/migrations/v001__create_job_table.sql", "sql/mysql/migrations/v001__create_job_table.sql",
                "sql/oracle/migrations/v001__create_job_table.sql");
        assertThat(Retriever.copiesLast(List.of())).isEmpty();
    }

    @Test
    void codeBesideTheProgramCountsForLessUnlessTheQuestionNamesIt() {
        List<ScoredChunk> fused = List.of(hit("src/testFixtures/java/JobStub.java", 0.030, "stub job"),
                hit("_examples/rest/main.go", 0.025, "example server"),
                hit("src/main/java/Job.java", 0.020, "class Job"),
                hit("src/test/java/JobTest.java", 0.018, "test job"));

        assertThat(paths(Retriever.reweighted(fused, Retriever::nonMain))).containsExactly("src/main/java/Job.java",
                "src/test/java/JobTest.java", "src/testFixtures/java/JobStub.java", "_examples/rest/main.go");
        assertThat(Retriever.nonMain("src/test/fixtures/data.json")).as("test code: the test demotion's").isFalse();
        assertThat(Retriever.nonMain("core/src/main/java/Example.java")).isFalse();
        assertThat(Retriever.aboutNonMain("how does the rest example serve articles?")).isTrue();
        assertThat(Retriever.aboutNonMain("how does the router match a route?")).isFalse();
    }

    @Test
    void theMeasuredTechniquesAreParsedByName() {
        assertThat(RetrievalOptions.parse("depth=5,tests,copies,nonmain"))
                .isEqualTo(new RetrievalOptions(5, true, true, true, false, false));
        assertThat(RetrievalOptions.parse("copies,names")).isEqualTo(new RetrievalOptions(3, false, true, false, true, false));
    }

    @Test
    void aFileNamedInTheQuestionCountsDouble() {
        List<ScoredChunk> fused = List.of(
                hit("server/tasks/DeleteDeletedJobsPermanentlyTask.java", 0.030, "delete deleted jobs"),
                hit("server/tasks/DeleteSucceededJobsTask.java", 0.020, "delete succeeded jobs"),
                hit("server/tasks/Task.java", 0.012, "abstract task"));

        assertThat(paths(Retriever.named(fused, List.of("DeleteSucceededJobsTask")))).containsExactly(
                "server/tasks/DeleteSucceededJobsTask.java", "server/tasks/DeleteDeletedJobsPermanentlyTask.java",
                "server/tasks/Task.java");
        assertThat(paths(Retriever.named(fused, List.of("JobsTask")))).as("the whole name, not a part")
                .containsExactlyElementsOf(paths(fused));
    }

    @Test
    void codeInAnotherLanguageThanMostCandidatesCountsForHalfUnlessTheQuestionNamesIt() {
        List<ScoredChunk> fused = List.of(
                hit("dashboard/frontend/src/job-stats.js", 0.030, "render(stats.succeeded)"),
                hit("core/src/main/java/JobStats.java", 0.020, "long succeeded = count(SUCCEEDED)"),
                hit("core/src/main/java/JobStatsEnricher.java", 0.018, "enrich(stats)"),
                hit("core/src/main/resources/application.yml", 0.014, "stats: enabled"));
        String question = "how is the number of succeeded jobs counted?";

        assertThat(paths(Retriever.otherLanguagesDemoted(fused, question))).containsExactly(
                "core/src/main/java/JobStats.java", "core/src/main/java/JobStatsEnricher.java",
                "dashboard/frontend/src/job-stats.js", "core/src/main/resources/application.yml");
        assertThat(paths(Retriever.otherLanguagesDemoted(fused, "which javascript shows the succeeded jobs?")))
                .containsExactlyElementsOf(paths(fused));
        assertThat(Retriever.otherLanguagesDemoted(fused.subList(1, 4), question)).as("one language: unchanged")
                .containsExactlyElementsOf(fused.subList(1, 4));
    }
}

package dev.reporag.scale;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second project of a repository indexed on PostgreSQL starts from the first one's index: the
 * rows are copied inside the database beside the job's fetch, only the files that differ are read,
 * and the result is the index a first job reading every file builds. Real Git repository, real
 * PostgreSQL with pgvector (the test command sets it up).
 */
class SiblingCopyOnPostgresTest {
    private static final RagSettings SETTINGS = RagSettings.defaults();

    @TempDir
    Path tmp;

    @Test
    void aSecondProjectStartsFromTheFirstsRowsAndMatchesAFreshIndex() throws Exception {
        Path repo = tmp.resolve("repo");
        Map<String, String> files = ScaleFixtures.files(60, 8);
        ScaleFixtures.commit(repo, files, "initial");
        try (PgStack stack = new PgStack(tmp, "sibling")) {
            HashingEmbedder embedder = stack.embedder;
            ScaleFixtures.ObservedSource source = stack.source;
            PgDatabase pg = stack.pg;
            RepoRag rag = stack.rag;
            Project main = rag.register("main", repo.toString(), null);
            assertThat(ingest(rag, main).status()).isEqualTo(JobStatus.READY);
            Map<String, String> mainIndex = contents(pg, embedder, main);

            Map<String, String> change = new HashMap<>();
            change.put("src/pkg1/Type1.java", null); // deleted
            change.put("src/pkg4/Type4.java", ScaleFixtures.javaFile("Type4", 12, "v2")); // grown and edited
            change.put("src/added/Fresh.java", ScaleFixtures.javaFile("Fresh", 5, "v1")); // added
            ScaleFixtures.commit(repo, change, "mixed change");
            source.reset();
            long inputsBefore = embedder.inputs();

            Project second = rag.register("second", repo.toString(), null);
            IngestionJob job = ingest(rag, second);

            assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
            assertThat(source.read).isEqualTo(Set.of("src/pkg4/Type4.java", "src/added/Fresh.java"));
            long embedded = embedder.inputs() - inputsBefore;
            Map<String, String> secondIndex = contents(pg, embedder, second);
            assertThat(embedded).isEqualTo(job.progress().chunksEmbedded()).isPositive()
                    .isLessThan(secondIndex.size() / 4);
            assertThat(secondIndex.values()).noneMatch(c -> c.startsWith("src/pkg1/Type1.java:"));
            assertThat(secondIndex).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), second, SETTINGS));
            assertThat(contents(pg, embedder, main)).as("the first project's rows, untouched").isEqualTo(mainIndex);

            // The rows are the second project's own: the first project goes, they stay.
            rag.delete(main.id());
            assertThat(contents(pg, embedder, second)).isEqualTo(secondIndex);
        }
    }

    @Test
    void aForkStartsFromItsUpstreamsRowsAndMatchesAFreshIndex() throws Exception {
        Path upstream = tmp.resolve("upstream");
        ScaleFixtures.commit(upstream, ScaleFixtures.files(60, 8), "initial");
        try (PgStack stack = new PgStack(tmp, "fork")) {
            HashingEmbedder embedder = stack.embedder;
            ScaleFixtures.ObservedSource source = stack.source;
            PgDatabase pg = stack.pg;
            RepoRag rag = stack.rag;
            Project main = rag.register("upstream", upstream.toString(), null);
            assertThat(ingest(rag, main).status()).isEqualTo(JobStatus.READY);
            Path fork = ScaleFixtures.fork(upstream, tmp.resolve("fork"));
            ScaleFixtures.commit(fork, Map.of("src/pkg4/Type4.java", ScaleFixtures.javaFile("Type4", 12, "fork")),
                    "the fork's change");
            source.reset();
            long inputsBefore = embedder.inputs();

            Project forked = rag.register("fork", fork.toString(), null);
            IngestionJob job = ingest(rag, forked);

            assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
            assertThat(source.read).isEqualTo(Set.of("src/pkg4/Type4.java"));
            long embedded = embedder.inputs() - inputsBefore;
            Map<String, String> forkIndex = contents(pg, embedder, forked);
            assertThat(embedded).isEqualTo(job.progress().chunksEmbedded()).isPositive()
                    .isLessThan(forkIndex.size() / 4);
            assertThat(forkIndex).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), forked, SETTINGS));
        }
    }

    /** The real Git source (observed), a schema of its own on the tests' PostgreSQL and the core, closed together. */
    private static final class PgStack implements AutoCloseable {
        final HashingEmbedder embedder = new HashingEmbedder(64, 4000);
        final ScaleFixtures.ObservedSource source;
        final TestSchema db;
        final PgDatabase pg;
        final RepoRag rag;

        PgStack(Path tmp, String schema) {
            source = new ScaleFixtures.ObservedSource(new JGitRepositorySource(
                    GitSourceSettings.defaults(tmp.resolve("git")).withAllowLocalSources(true)));
            db = new TestSchema(schema);
            pg = PgDatabase.builder(db.databaseUrl()).embeddingModel(embedder.modelId(), 64).build();
            rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(pg.vectorStore())
                    .jobs(pg.jobs()).conversations(pg.conversations()).settings(SETTINGS).build();
        }

        @Override
        public void close() {
            rag.close();
            pg.close();
            db.close();
        }
    }

    private static IngestionJob ingest(RepoRag rag, Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "test", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    /** Every stored chunk of the project: id to "path:start-end" and text, as {@code ScaleFixtures.Stack} reads them. */
    private static Map<String, String> contents(PgDatabase pg, HashingEmbedder embedder, Project project) {
        int count = (int) pg.vectorStore().count(project.id());
        float[] query = embedder.embedAll(List.of("value input scaled")).get(0);
        return pg.vectorStore().vectorSearch(project.id(), query, count).stream().map(ScoredChunk::chunk)
                .collect(Collectors.toMap(c -> c.id(), c -> c.citation() + "\n" + c.text(), (a, b) -> a,
                        TreeMap::new));
    }
}

package dev.reporag.scale;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RagSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-indexing after a commit reads only what the git diff names, embeds only chunks whose text
 * changed, and leaves the embedded store exactly as a fresh full ingest of the new commit would
 * (same chunk ids, lines and texts). Real Git repositories, the JGit source, the embedded store.
 */
class IncrementalReindexTest {
    private static final RagSettings SETTINGS = RagSettings.defaults();

    @TempDir
    Path tmp;

    @Test
    void aCommitChangingOneFileReadsAndEmbedsOnlyThatFileAndMatchesAFreshIndex() throws Exception {
        Path repo = tmp.resolve("repo");
        Map<String, String> files = ScaleFixtures.files(120, 12);
        ScaleFixtures.commit(repo, files, "initial");
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), SETTINGS)) {
            Project project = stack.rag.register("demo", repo.toString(), null);
            IngestionJob full = stack.ingest(project.id());
            assertThat(full.status()).isEqualTo(JobStatus.READY);
            long fullEmbedded = full.progress().chunksEmbedded();

            // A method in the middle of one file changes: its chunk(s) change, the others keep their ids.
            String path = "src/pkg3/Type13.java";
            String changed = files.get(path).replace("int scaled = input * 6;", "int scaled = input * 6 + 1;");
            assertThat(changed).isNotEqualTo(files.get(path));
            ScaleFixtures.commit(repo, Map.of(path, changed), "change one method");
            stack.source.reset();
            long inputsBefore = stack.embedder.inputs();

            IngestionJob incremental = stack.ingest(project.id());

            assertThat(incremental.status()).isEqualTo(JobStatus.READY);
            assertThat(stack.source.read).containsExactly(path);
            assertThat(stack.source.reads.get()).isEqualTo(1);
            long embedded = stack.embedder.inputs() - inputsBefore;
            Map<String, String> after = stack.contents(project.id());
            long chunksOfTheFile = after.values().stream().filter(c -> c.startsWith(path + ":")).count();
            assertThat(embedded).isEqualTo(incremental.progress().chunksEmbedded()).isPositive()
                    .isLessThanOrEqualTo(chunksOfTheFile);
            assertThat(fullEmbedded).isGreaterThan(100 * chunksOfTheFile);
            assertThat(after).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), project, SETTINGS));
        }
    }

    @Test
    void addsDeletesRenamesAndEditsTogetherLeaveTheSameStoreAsAFreshIndex() throws Exception {
        Path repo = tmp.resolve("repo");
        Map<String, String> files = ScaleFixtures.files(60, 8);
        ScaleFixtures.commit(repo, files, "initial");
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), SETTINGS)) {
            Project project = stack.rag.register("demo", repo.toString(), null);
            assertThat(stack.ingest(project.id()).status()).isEqualTo(JobStatus.READY);

            Map<String, String> change = new HashMap<>();
            change.put("src/pkg1/Type1.java", null); // deleted
            change.put("src/pkg2/Type2.java", null); // renamed, same content
            change.put("src/moved/Type2.java", files.get("src/pkg2/Type2.java"));
            change.put("src/pkg4/Type4.java", ScaleFixtures.javaFile("Type4", 12, "v2")); // grown and edited
            change.put("src/pkg5/Type5.java", "package demo;\nclass Type5 {}\n"); // shrunk to one chunk
            change.put("src/added/Fresh.java", ScaleFixtures.javaFile("Fresh", 5, "v1")); // added
            ScaleFixtures.commit(repo, change, "mixed change");
            stack.source.reset();

            IngestionJob incremental = stack.ingest(project.id());

            assertThat(incremental.status()).isEqualTo(JobStatus.READY);
            assertThat(stack.source.read).isEqualTo(Set.of("src/moved/Type2.java", "src/pkg4/Type4.java",
                    "src/pkg5/Type5.java", "src/added/Fresh.java"));
            Map<String, String> after = stack.contents(project.id());
            assertThat(after.values()).noneMatch(c -> c.startsWith("src/pkg1/Type1.java:")
                    || c.startsWith("src/pkg2/Type2.java:"));
            assertThat(after).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), project, SETTINGS));
        }
    }

    @Test
    void aSecondProjectOfTheRepositoryStartsFromTheFirstsIndexAndMatchesAFreshIndex() throws Exception {
        Path repo = tmp.resolve("repo");
        Map<String, String> files = ScaleFixtures.files(60, 8);
        ScaleFixtures.commit(repo, files, "initial");
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), SETTINGS)) {
            Project main = stack.rag.register("main", repo.toString(), null);
            assertThat(stack.ingest(main.id()).status()).isEqualTo(JobStatus.READY);
            Map<String, String> mainIndex = stack.contents(main.id());

            Map<String, String> change = new HashMap<>();
            change.put("src/pkg1/Type1.java", null); // deleted
            change.put("src/pkg4/Type4.java", ScaleFixtures.javaFile("Type4", 12, "v2")); // grown and edited
            change.put("src/added/Fresh.java", ScaleFixtures.javaFile("Fresh", 5, "v1")); // added
            ScaleFixtures.commit(repo, change, "mixed change");
            stack.source.reset();
            long inputsBefore = stack.embedder.inputs();

            // A second name for the same branch, registered after the push: its first job copies the
            // first project's index (at the older commit) beside its fetch and reads only what differs.
            Project second = stack.rag.register("second", repo.toString(), null);
            IngestionJob job = stack.ingest(second.id());

            assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
            assertThat(stack.source.read).isEqualTo(Set.of("src/pkg4/Type4.java", "src/added/Fresh.java"));
            long embedded = stack.embedder.inputs() - inputsBefore;
            Map<String, String> secondIndex = stack.contents(second.id()); // embeds its query
            assertThat(embedded).isEqualTo(job.progress().chunksEmbedded()).isPositive()
                    .isLessThan(secondIndex.size() / 4);
            assertThat(secondIndex.values()).noneMatch(c -> c.startsWith("src/pkg1/Type1.java:"));
            assertThat(secondIndex).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), second, SETTINGS));
            assertThat(stack.contents(main.id())).as("the first project's index, untouched").isEqualTo(mainIndex);

            // The same repository, its address written another way, after one more push: it shares the
            // clone (and so the second project's commit), starts from the second project and reads
            // only the file changed since.
            ScaleFixtures.commit(repo, Map.of("src/added/Fresh.java", ScaleFixtures.javaFile("Fresh", 6, "v2")),
                    "grow the new file");
            stack.source.reset();
            Project third = stack.rag.register("third", repo.resolve(".git").toString(), null);
            assertThat(stack.ingest(third.id()).status()).isEqualTo(JobStatus.READY);
            assertThat(stack.source.read).containsExactly("src/added/Fresh.java");
            assertThat(stack.contents(third.id()))
                    .isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh-third"), third, SETTINGS));
        }
    }
}

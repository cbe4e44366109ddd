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
 * A fork's first index, on the embedded store, starts from its upstream's: real Git repositories
 * (the fork a clone with a commit of its own), each a project of its own address.
 */
class ForkIndexTest {
    private static final RagSettings SETTINGS = RagSettings.defaults();

    @TempDir
    Path tmp;

    @Test
    void aForkReadsOnlyWhatItChangedAndMatchesAFreshIndex() throws Exception {
        Path upstream = tmp.resolve("upstream");
        ScaleFixtures.commit(upstream, ScaleFixtures.files(60, 8), "initial");
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("one"), SETTINGS)) {
            Project main = stack.rag.register("upstream", upstream.toString(), null);
            assertThat(stack.ingest(main.id()).status()).isEqualTo(JobStatus.READY);
            Path fork = ScaleFixtures.fork(upstream, tmp.resolve("fork"));
            Map<String, String> change = new HashMap<>();
            change.put("src/pkg4/Type4.java", ScaleFixtures.javaFile("Type4", 12, "fork")); // edited
            change.put("src/pkg1/Type1.java", null); // deleted
            ScaleFixtures.commit(fork, change, "the fork's change");
            stack.source.reset();
            long inputsBefore = stack.embedder.inputs();

            Project forked = stack.rag.register("fork", fork.toString(), null);
            IngestionJob job = stack.ingest(forked.id());

            assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
            assertThat(stack.source.read).isEqualTo(Set.of("src/pkg4/Type4.java"));
            long embedded = stack.embedder.inputs() - inputsBefore;
            Map<String, String> forkIndex = stack.contents(forked.id());
            assertThat(embedded).isEqualTo(job.progress().chunksEmbedded()).isPositive()
                    .isLessThan(forkIndex.size() / 4);
            assertThat(forkIndex.values()).noneMatch(c -> c.startsWith("src/pkg1/Type1.java:"));
            assertThat(forkIndex).isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), forked, SETTINGS));

            // The upstream's project goes; the fork's copy is its own.
            stack.rag.delete(main.id());
            assertThat(stack.contents(forked.id())).isEqualTo(forkIndex);
        }
    }
}

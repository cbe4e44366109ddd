package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** History comes from deepening the shallow clone an ingestion keeps, and only as deep as asked. */
class GitHistoryTest {
    @TempDir
    Path temp;

    @Test
    void anIngestionsShallowCloneShowsNoHistoryUntilItIsDeepened() throws Exception {
        Path repo = temp.resolve("repo.git");
        try (TestRepository repository = TestRepository.create(repo)) {
            for (int i = 1; i <= 6; i++) {
                repository.commitText("Change number " + i, Map.of("src/A.java", "class A { int v = " + i + "; }\n"));
            }
        }
        JGitRepositorySource source = new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache"))
                .withAllowLocalSources(true));
        Project project = new Project(ProjectId.random(), "p", repo.toString(), null, Instant.now());

        try (Snapshot shallow = source.open(project)) {
            assertThat(shallow.history(10)).isEmpty(); // depth 1: the parent of its commit is not here
        }
        try (Snapshot deeper = source.openWithHistory(project, 3, FetchMonitor.NONE)) {
            // Three commits fetched; the third's parent is missing, so two are known with their changes.
            assertThat(deeper.history(10)).extracting(CommitInfo::subject)
                    .containsExactly("Change number 6", "Change number 5");
        }
        try (Snapshot all = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            assertThat(all.history(100)).hasSize(6);
            assertThat(all.history(100).get(5).added()).containsExactly("src/A.java");
            assertThat(all.history(100).get(0).modified()).containsExactly("src/A.java");
        }
    }
}

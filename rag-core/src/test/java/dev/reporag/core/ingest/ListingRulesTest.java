package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.policy.FileFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A re-index lists only what changed since the last index when the last index was made under the
 * same rules (limits, globs, the rules' release); under other rules, every file is listed again,
 * so a raised limit or a new include takes effect without a commit.
 */
class ListingRulesTest {
    private static final String REPO = "mem://rules";
    private final InMemoryRag app = new InMemoryRag(FileFilter.withExtraExcludes(2_000, 1_000_000, List.of(),
            List.of()));
    private final InMemoryRepositorySource source = app.source;
    private RepoRag rag = app.rag();

    /** Restarted with other settings, as a changed RAG_MAX_FILE_BYTES or RAG_INCLUDE gives. */
    private void restart(FileFilter filter) {
        app.restart(filter);
        rag = app.rag();
    }

    @AfterEach
    void close() {
        app.close();
    }

    private static Map<String, String> files() {
        Map<String, String> files = new TreeMap<>();
        files.put("src/app.py", "def main():\n    return run()\n");
        files.put("data/table.csv", "id,value\n" + "1,2\n".repeat(1_000)); // 4 KB: over 2,000 bytes
        // 3 KB of code on one line: not hand-written by the look of it, left out once read.
        files.put("src/bundle.js", "var a=" + "1+".repeat(1_500) + "1;\n");
        files.put("docs/guide.md", "# Guide\n\nHow to run it.\n");
        return files;
    }

    @Test
    void aRaisedLimitAndANewIncludeTakeEffectOnTheSameCommit() {
        source.commit(REPO, files());
        Project project = rag.register("rules", REPO, null);
        app.ingest(project);
        assertThat(rag.skippedFiles(project.id()).page(java.util.Optional.empty(), 0, 10))
                .extracting(e -> e.path() + " " + e.reason()).contains("data/table.csv TOO_LARGE",
                        "src/bundle.js TOO_LARGE", "docs/guide.md EXCLUDED_PATH");
        int reads = source.reads();

        app.ingest(project);
        assertThat(source.reads() - reads).as("the same rules: nothing to read again").isZero();

        restart(FileFilter.withExtraExcludes(10_000, 1_000_000, List.of(), List.of("docs/**")));
        IngestionJob done = app.ingest(project);

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "data/table.csv")).as("left out by its size, now under the limit").isTrue();
        assertThat(app.indexed(project, "src/bundle.js")).as("left out once read, read again").isTrue();
        assertThat(app.indexed(project, "docs/guide.md")).as("included now").isTrue();
        assertThat(rag.skippedFiles(project.id()).counts()).doesNotContainKey(SkipReason.TOO_LARGE);

        reads = source.reads();
        app.ingest(project);
        assertThat(source.reads() - reads).as("the new rules are the last index's now").isZero();
    }

    @Test
    void aLoweredLimitTakesUnchangedFilesOut() {
        source.commit(REPO, files());
        Project project = rag.register("rules", REPO, null);
        restart(FileFilter.withExtraExcludes(10_000, 1_000_000, List.of(), List.of()));
        app.ingest(project);
        assertThat(app.indexed(project, "data/table.csv")).isTrue();

        restart(FileFilter.withExtraExcludes(2_000, 1_000_000, List.of(), List.of()));
        app.ingest(project);

        assertThat(app.indexed(project, "data/table.csv")).isFalse();
        assertThat(app.indexed(project, "src/app.py")).isTrue();
    }
}

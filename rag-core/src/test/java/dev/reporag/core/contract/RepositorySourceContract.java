package dev.reporag.core.contract;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RepositorySource} must do. Adapters say how to make a repository with given
 * files and how to commit new content to it.
 */
public abstract class RepositorySourceContract {
    protected abstract RepositorySource source();

    /** Creates a repository holding exactly {@code files} and returns the source a project names. */
    protected abstract String createRepository(Map<String, String> files) throws Exception;

    /** Commits a new version of the repository that holds exactly {@code files}. */
    protected void commit(String source, Map<String, String> files) throws Exception {
        commit(source, "change", files);
    }

    /** Commits a new version holding exactly {@code files}, with this one-line message. */
    protected abstract void commit(String source, String message, Map<String, String> files) throws Exception;

    /** A source that names no repository. */
    protected abstract String missingRepository() throws Exception;

    protected Project project(String source) {
        return new Project(ProjectId.random(), "test", source, null, Instant.now());
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# Demo\n");
        files.put("src/main/App.java", "class App {\n  void run() {}\n}\n");
        files.put("src/ünï code/Spaced Name.py", "print('héllo')\n");
        files.put("lib/util.js", "export const x = 1;\n");
        return files;
    }

    @Test
    void listsEveryFileWithItsSizeAndReadsItsContent() throws Exception {
        String source = createRepository(files());
        try (Snapshot snapshot = source().open(project(source)); Stream<SourceFile> stream = snapshot.files()) {
            List<SourceFile> listed = stream.toList();

            assertThat(listed).extracting(SourceFile::path).containsExactlyInAnyOrderElementsOf(files().keySet());
            for (SourceFile file : listed) {
                byte[] expected = files().get(file.path()).getBytes(StandardCharsets.UTF_8);
                assertThat(file.kind()).isEqualTo(FileKind.REGULAR);
                assertThat(file.size()).isEqualTo(expected.length);
                assertThat(file.blobId()).isNotBlank();
                assertThat(snapshot.read(file)).isEqualTo(expected);
            }
            assertThat(listed).filteredOn(f -> f.path().endsWith(".java")).extracting(SourceFile::language)
                    .containsExactly("java");
        }
    }

    @Test
    void aCommitIsStableUntilTheRepositoryChanges() throws Exception {
        String source = createRepository(files());
        String first;
        try (Snapshot snapshot = source().open(project(source))) {
            first = snapshot.commit();
        }
        try (Snapshot again = source().open(project(source))) {
            assertThat(again.commit()).isEqualTo(first);
        }
        Map<String, String> changed = files();
        changed.put("lib/util.js", "export const x = 2;\n");
        commit(source, changed);
        try (Snapshot later = source().open(project(source))) {
            assertThat(later.commit()).isNotEqualTo(first);
        }
    }

    @Test
    void readsTheRemoteHeadWithoutOpeningAndSeesItMove() throws Exception {
        String source = createRepository(files());
        String head = source().remoteHead(source, null);
        try (Snapshot snapshot = source().open(project(source))) {
            assertThat(head).isEqualTo(snapshot.commit());
        }
        Map<String, String> changed = files();
        changed.put("lib/util.js", "export const x = 3;\n");
        commit(source, changed);

        String moved = source().remoteHead(source, null);
        assertThat(moved).isNotEqualTo(head);
        try (Snapshot snapshot = source().open(project(source))) {
            assertThat(moved).isEqualTo(snapshot.commit());
        }
        assertThat(source().remoteHead(source, null)).as("asking again changes nothing").isEqualTo(moved);
    }

    @Test
    void aMissingRepositoryHasNoRemoteHead() throws Exception {
        String missing = missingRepository();
        assertThatThrownBy(() -> source().remoteHead(missing, null))
                .isInstanceOf(SourceException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void reportsWhatChangedSinceAnEarlierCommit() throws Exception {
        String source = createRepository(files());
        String first;
        try (Snapshot snapshot = source().open(project(source))) {
            first = snapshot.commit();
        }
        Map<String, String> next = files();
        next.put("lib/util.js", "export const x = 2;\n");
        next.remove("README.md");
        next.put("src/New.java", "class New {}\n");
        commit(source, next);

        try (Snapshot snapshot = source().open(project(source))) {
            ChangeSet changes = snapshot.changesSince(first).orElseThrow();
            assertThat(changes.changed()).containsExactlyInAnyOrder("lib/util.js", "src/New.java");
            assertThat(changes.deleted()).containsExactly("README.md");
            assertThat(snapshot.changesSince(snapshot.commit()).orElseThrow().isEmpty()).isTrue();
        }
    }

    @Test
    void saysWhenAnEarlierCommitIsUnknown() throws Exception {
        String source = createRepository(files());
        try (Snapshot snapshot = source().open(project(source))) {
            Optional<ChangeSet> changes = snapshot.changesSince("0123456789abcdef0123456789abcdef01234567");
            assertThat(changes).isEmpty();
        }
    }

    @Test
    void historyListsTheFirstParentLineNewestFirstWithWhatEachCommitChanged() throws Exception {
        String source = createRepository(files());
        Map<String, String> second = files();
        second.put("lib/util.js", "export const x = 2;\n");
        second.put("src/New.java", "class New {}\n");
        second.remove("README.md");
        commit(source, "Add New and drop the readme", second);
        Map<String, String> third = new LinkedHashMap<>(second);
        third.put("src/main/App.java", "class App {\n  void run() { stop(); }\n}\n");
        commit(source, "Stop the app when it runs", third);

        try (Snapshot snapshot = source().openWithHistory(project(source), 10, FetchMonitor.NONE)) {
            List<CommitInfo> history = snapshot.history(10);

            assertThat(history).hasSize(3);
            assertThat(history.get(0).id()).isEqualTo(snapshot.commit());
            assertThat(history).extracting(CommitInfo::subject).startsWith("Stop the app when it runs",
                    "Add New and drop the readme");
            assertThat(history.get(0).parent()).isEqualTo(history.get(1).id());
            assertThat(history.get(1).parent()).isEqualTo(history.get(2).id());
            assertThat(history.get(2).parents()).isEmpty();
            assertThat(history.get(0).modified()).containsExactly("src/main/App.java");
            assertThat(history.get(0).added()).isEmpty();
            assertThat(history.get(1).added()).containsExactly("src/New.java");
            assertThat(history.get(1).modified()).containsExactly("lib/util.js");
            assertThat(history.get(1).deleted()).containsExactly("README.md");
            assertThat(history.get(2).added()).containsExactlyInAnyOrderElementsOf(files().keySet());
            assertThat(history.get(1).time()).isBeforeOrEqualTo(history.get(0).time());
            assertThat(snapshot.history(2)).extracting(CommitInfo::id)
                    .containsExactly(history.get(0).id(), history.get(1).id());
        }
    }

    @Test
    void readsTheTreeOfAnEarlierCommit() throws Exception {
        String source = createRepository(files());
        Map<String, String> next = files();
        next.put("lib/util.js", "export const x = 2;\n");
        next.remove("README.md");
        commit(source, "Change util", next);

        try (Snapshot snapshot = source().openWithHistory(project(source), 5, FetchMonitor.NONE)) {
            String parent = snapshot.history(2).get(0).parent();
            try (Snapshot earlier = snapshot.at(parent); Stream<SourceFile> stream = earlier.files()) {
                assertThat(earlier.commit()).isEqualTo(parent);
                List<SourceFile> listed = stream.toList();
                assertThat(listed).extracting(SourceFile::path).containsExactlyInAnyOrderElementsOf(files().keySet());
                SourceFile util = listed.stream().filter(f -> f.path().equals("lib/util.js")).findFirst().orElseThrow();
                assertThat(new String(earlier.read(util), StandardCharsets.UTF_8)).isEqualTo("export const x = 1;\n");
            }
            // The later snapshot is still usable after the earlier one is closed.
            try (Stream<SourceFile> stream = snapshot.files()) {
                assertThat(stream.map(SourceFile::path)).doesNotContain("README.md").contains("lib/util.js");
            }
        }
    }

    @Test
    void anUnknownEarlierCommitIsAClearError() throws Exception {
        String source = createRepository(files());
        try (Snapshot snapshot = source().openWithHistory(project(source), 5, FetchMonitor.NONE)) {
            assertThatThrownBy(() -> snapshot.at("0123456789abcdef0123456789abcdef01234567").close())
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("0123456789abcdef0123456789abcdef01234567")
                    .hasMessageNotContaining("Exception");
        }
    }

    @Test
    void aMissingRepositoryIsAClearError() throws Exception {
        String missing = missingRepository();
        assertThatThrownBy(() -> source().open(project(missing)).close())
                .isInstanceOf(SourceException.class)
                .hasMessageNotContaining("Exception");
    }
}

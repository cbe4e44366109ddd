package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** History comes from deepening the shallow clone an ingestion keeps, and only as deep as asked. */
class GitHistoryTest {
    @TempDir
    Path temp;

    /** A repository of {@code count} commits on main, each changing src/A.java ("Change number i"). */
    private static Path repositoryWithChanges(Path repo, int count) throws Exception {
        try (TestRepository repository = TestRepository.create(repo)) {
            addChanges(repository, 1, count);
        }
        return repo;
    }

    private static void addChanges(TestRepository repository, int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            repository.commitText("Change number " + i, Map.of("src/A.java", "class A { int v = " + i + "; }\n"));
        }
    }

    private JGitRepositorySource source() {
        return new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache")).withAllowLocalSources(true));
    }

    private static Project project(String source) {
        return new Project(ProjectId.random(), "p", source, null, Instant.now());
    }

    @Test
    void anIngestionsShallowCloneShowsNoHistoryUntilItIsDeepened() throws Exception {
        Path repo = repositoryWithChanges(temp.resolve("repo.git"), 6);
        JGitRepositorySource source = source();
        Project project = project(repo.toString());

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

    /** A deepening stopped by the size limit leaves the shallow clone usable, and as shallow as it was. */
    @Test
    void aDeepeningStoppedHalfWayLeavesTheShallowCloneUsable() throws Exception {
        Path repo = temp.resolve("repo.git");
        Random random = new Random(7);
        try (TestRepository repository = TestRepository.create(repo)) {
            for (int i = 1; i <= 8; i++) {
                byte[] data = new byte[64 * 1024];
                random.nextBytes(data); // incompressible: each commit adds 64 KB to fetch
                repository.commit("main", List.of(TestRepository.Entry.text("src/A.java", "class A { int v = " + i + "; }\n"),
                        TestRepository.Entry.bytes("data.bin", data)));
            }
        }
        JGitRepositorySource source = new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache"))
                .withAllowLocalSources(true).withMaxRepositoryBytes(200 * 1024));
        Project project = project(repo.toString());
        String head;
        try (TestRepository repository = TestRepository.open(repo)) {
            head = repository.repository().resolve("main").name();
        }
        try (Snapshot shallow = source.open(project)) {
            assertThat(shallow.commit()).isEqualTo(head);
        }

        assertThatThrownBy(() -> source.openWithHistory(project, 100, FetchMonitor.NONE))
                .isInstanceOf(SourceException.class).hasMessageContaining("limit");

        try (Snapshot again = source.open(project)) {
            assertThat(again.commit()).isEqualTo(head);
        }
        try (Snapshot deeper = source.openWithHistory(project, 2, FetchMonitor.NONE)) {
            assertThat(deeper.history(10)).hasSize(1);
        }
    }

    /**
     * JGit's own upload-pack (what serves a local repository, and Gerrit) breaks off the negotiation
     * with a clone that was deepened ("Expected ACK/NAK, got: shallow …"): after a `rag eval` of a
     * repository with more history than it reads, the next evaluation or ingestion failed. The clone
     * is made again.
     */
    @Test
    void aCloneDeepenedOnceCanBeDeepenedAgain() throws Exception {
        Path repo = repositoryWithChanges(temp.resolve("long.git"), 400);
        JGitRepositorySource source = source();
        Project project = project(repo.toString());
        try (Snapshot shallow = source.open(project)) {
            assertThat(shallow.history(10)).isEmpty();
        }
        // JGit's upload-pack prints its side of a failed negotiation on stderr: a user would see it.
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            deepenAgainAndAgain(repo, source, project);
        } finally {
            System.setErr(stderr);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** The same from a remote served by JGit's upload-pack over HTTP, as Gerrit serves one. */
    @Test
    void aCloneDeepenedOnceFromAJGitServerCanBeDeepenedAgain() throws Exception {
        Path repo = repositoryWithChanges(temp.resolve("served/long.git"), 400);
        try (GitHttpTestServer server = new GitHttpTestServer(temp.resolve("served"))) {
            JGitRepositorySource source = source();
            Project project = project(server.url("long.git"));
            try (Snapshot shallow = source.open(project)) {
                assertThat(shallow.history(10)).isEmpty();
            }
            deepenAgainAndAgain(repo, source, project);
        }
    }

    /**
     * A branch named plainly is fetched without listing the refs first; when that fetch fails on a
     * damaged local repository (its tip lacks a file's blob), the refs are listed, the commit is
     * checked, and the error names the missing file as it always did, with nothing on stderr.
     */
    @Test
    void aBranchOfALocalRepositoryLackingABlobFailsWithTheMissingFileNamed() throws Exception {
        Path repo = temp.resolve("holed.git");
        try (TestRepository repository = TestRepository.create(repo)) {
            repository.commitLoose("Start", Map.of("src/A.java", "class A { int v = 0; }\n",
                    "notes/gone.txt", "a blob the copy lost\n"));
            Files.delete(repository.looseObject(new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB,
                    "a blob the copy lost\n".getBytes(StandardCharsets.UTF_8)).name()));
        }
        Project onMain = new Project(ProjectId.random(), "p", repo.toString(), "main", Instant.now());
        JGitRepositorySource source = source();
        String printed = stderrOf(() -> {
            PrintStream captured = System.err;
            System.setErr(UploadPackOutput.routing(captured));
            try {
                assertThatThrownBy(() -> source.open(onMain)).isInstanceOf(SourceException.class)
                        .hasMessageContaining(repo + " lacks the content of notes/gone.txt in commit ");
                System.err.println("printed by the test's thread");
            } finally {
                System.setErr(captured);
            }
        });
        assertThat(printed).isEqualTo("printed by the test's thread" + System.lineSeparator());
    }

    /**
     * A deepening of a local repository that fails half-way (here the repository lacks an old
     * file's blob, as a damaged copy does) left a clone claiming history it lacked, and every later
     * ingestion failed with "Missing commit": the clone is made again. The error names the missing
     * file and the way out, where it said "remote: internal server error" after JGit's upload-pack
     * printed its stack trace (now in the log, with {@link UploadPackOutput}).
     */
    @Test
    void aLocalDeepeningThatFailsLeavesIngestionsWorking() throws Exception {
        Path repo = temp.resolve("gap.git");
        try (TestRepository repository = TestRepository.create(repo)) {
            repository.commitLoose("Start", Map.of("src/A.java", "class A { int v = 0; }\n",
                    "notes/old.txt", "notes removed later\n"));
            addChanges(repository, 1, 5);
            Files.delete(repository.looseObject(new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB,
                    "notes removed later\n".getBytes(StandardCharsets.UTF_8)).name()));
        }
        Files.delete(repo.resolve("config")); // as in the search tool's snapshots: git and JGit do without
        JGitRepositorySource source = source();
        Project project = project(repo.toString());
        try (Snapshot shallow = source.open(project)) {
            assertThat(shallow.history(10)).isEmpty();
        }
        String printed = stderrOf(() -> {
            PrintStream captured = System.err;
            System.setErr(UploadPackOutput.routing(captured));
            try {
                assertThatThrownBy(() -> source.openWithHistory(project, 100, FetchMonitor.NONE))
                        .isInstanceOf(SourceException.class)
                        .hasMessageContaining(repo + " lacks the content of notes/old.txt in commit ")
                        .hasMessageContaining("'git -C " + repo + " fsck' lists what is missing")
                        .hasMessageContaining("give the repository's URL instead");
                System.err.println("printed by the test's thread");
            } finally {
                System.setErr(captured);
            }
        });
        assertThat(printed).isEqualTo("printed by the test's thread" + System.lineSeparator());
        try (Snapshot again = source.open(project)) { // "Missing commit" before
            assertThat(again.commit()).isEqualTo(TestRepository.open(repo).repository().resolve("main").name());
        }
        try (Snapshot deeper = source.openWithHistory(project, 3, FetchMonitor.NONE)) {
            assertThat(deeper.history(10)).extracting(CommitInfo::subject)
                    .containsExactly("Change number 5", "Change number 4");
        }
    }

    /**
     * A local repository made with C git's `clone --filter=blob:none`, as big repositories are
     * cloned: it has the blobs of the checked-out commit only. Its tip is indexed; its history (and
     * an older branch) cannot be, and the error says why and what to do, with nothing on stderr
     * (JGit's upload-pack used to fail with its stack trace and "remote: internal server error").
     */
    @Test
    void aPartialCloneGivesItsCheckedOutCommitAndSaysWhatItLacks() throws Exception {
        Path origin = repositoryWithChanges(temp.resolve("origin"), 5);
        git(origin, "config", "uploadpack.allowFilter", "true");
        Path partial = temp.resolve("partial");
        git(temp, "clone", "-q", "--filter=blob:none", origin.toUri().toString(), partial.toString());
        git(partial, "branch", "older", "HEAD~2");
        JGitRepositorySource source = source();
        Project project = project(partial.toString());
        try (Snapshot tip = source.open(project)) {
            assertThat(tip.commit()).isEqualTo(git(partial, "rev-parse", "HEAD"));
        }
        String printed = stderrOf(() -> {
            assertThatThrownBy(() -> source.openWithHistory(project, 10, FetchMonitor.NONE))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(partial + " is a partial clone (git clone --filter)")
                    .hasMessageContaining("the content of src/A.java in commit")
                    .hasMessageContaining("Give the repository's URL instead");
            Project older = new Project(ProjectId.random(), "older", partial.toString(), "older", Instant.now());
            assertThatThrownBy(() -> source.open(older)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("is a partial clone").hasMessageContaining("(older)");
        });
        assertThat(printed).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * A partial clone copied without its config (objects, refs and HEAD, as a mirroring tool keeps
     * them) is still known as partial by its packs' {@code .promisor} files: it was called damaged.
     */
    @Test
    void aPartialCloneWithoutItsConfigIsKnownByItsPromisorPacks() throws Exception {
        Path origin = repositoryWithChanges(temp.resolve("origin"), 3);
        git(origin, "config", "uploadpack.allowFilter", "true");
        Path partial = temp.resolve("partial.git");
        git(temp, "clone", "-q", "--bare", "--filter=blob:none", origin.toUri().toString(), partial.toString());
        Files.delete(partial.resolve("config"));
        JGitRepositorySource source = source();

        String printed = stderrOf(() -> assertThatThrownBy(() -> source.open(project(partial.toString())))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(partial + " is a partial clone (git clone --filter)")
                .hasMessageContaining("Give the repository's URL instead")
                .hasMessageNotContaining("damaged"));
        assertThat(printed).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** A CI checkout (`git clone --depth 1`): its tip is indexed; history is refused, saying how to get it. */
    @Test
    void aShallowLocalCloneGivesItsTipAndRefusesHistoryWithTheWayOut() throws Exception {
        Path origin = repositoryWithChanges(temp.resolve("origin"), 5);
        Path shallow = temp.resolve("shallow");
        git(temp, "clone", "-q", "--depth", "1", origin.toUri().toString(), shallow.toString());
        JGitRepositorySource source = source();
        Project project = project(shallow.toString());
        try (Snapshot tip = source.open(project)) {
            assertThat(tip.commit()).isEqualTo(git(shallow, "rev-parse", "HEAD"));
        }
        assertThatThrownBy(() -> source.openWithHistory(project, 10, FetchMonitor.NONE))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(shallow + " is a shallow clone (git clone --depth)")
                .hasMessageContaining("git -C " + shallow + " fetch --unshallow");
        git(shallow, "fetch", "-q", "--unshallow");
        try (Snapshot whole = source.openWithHistory(project, 10, FetchMonitor.NONE)) {
            assertThat(whole.history(10)).extracting(CommitInfo::subject).startsWith("Change number 5");
        }
    }

    /** Runs C git (the Git users have) in {@code dir}; its output, trimmed. */
    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "protocol.file.allow=always"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as("git " + String.join(" ", args) + ": " + output).isZero();
        return output;
    }

    /** What {@code action} printed on stderr. */
    private static String stderrOf(Runnable action) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(stderr);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static void deepenAgainAndAgain(Path repo, JGitRepositorySource source, Project project) throws Exception {
        for (int round = 0; round < 2; round++) {
            try (Snapshot deeper = source.openWithHistory(project, 300, FetchMonitor.NONE)) {
                assertThat(deeper.history(1000)).hasSize(299);
            }
        }
        try (Snapshot deeper = source.openWithHistory(project, 350, FetchMonitor.NONE)) {
            assertThat(deeper.history(1000)).hasSize(349);
        }
        try (TestRepository repository = TestRepository.open(repo)) {
            repository.commitText("Change moved", Map.of("src/A.java", "class A { int v = -1; }\n"));
        }
        try (Snapshot moved = source.openWithHistory(project, 300, FetchMonitor.NONE)) {
            assertThat(moved.history(1000)).hasSize(299);
            assertThat(moved.history(1).get(0).subject()).isEqualTo("Change moved");
        }
        String head;
        try (TestRepository repository = TestRepository.open(repo)) {
            head = repository.repository().resolve("main").name();
        }
        try (Snapshot again = source.open(project)) { // an ingestion after an evaluation
            assertThat(again.commit()).isEqualTo(head);
        }
    }
}

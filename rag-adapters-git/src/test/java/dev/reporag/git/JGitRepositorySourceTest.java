package dev.reporag.git;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.reporag.git.TestRepository.Entry.bytes;
import static dev.reporag.git.TestRepository.Entry.submodule;
import static dev.reporag.git.TestRepository.Entry.symlink;
import static dev.reporag.git.TestRepository.Entry.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adapter against real repositories made here, fetched through smart HTTP on a local port. */
class JGitRepositorySourceTest {
    private static final String TOKEN = "ghp_s3cretTokenValue0123456789";

    @TempDir
    Path temp;

    private Path served;
    private Path cache;
    private GitHttpTestServer server;

    @BeforeEach
    void setUp() throws IOException {
        served = temp.resolve("served");
        cache = temp.resolve("cache");
        server = new GitHttpTestServer(served);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private GitSourceSettings settings() {
        return GitSourceSettings.defaults(cache).withAllowLocalSources(true);
    }

    private JGitRepositorySource source() {
        return new JGitRepositorySource(settings());
    }

    private TestRepository repository(String name) throws Exception {
        return TestRepository.create(served.resolve(name));
    }

    private static Project project(String source, String ref) {
        return new Project(ProjectId.random(), "test", source, ref, Instant.now());
    }

    private static List<SourceFile> list(Snapshot snapshot) {
        try (Stream<SourceFile> files = snapshot.files()) {
            return files.toList();
        }
    }

    private static SourceFile file(Snapshot snapshot, String path) {
        return list(snapshot).stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    /** Directories under the cache other than temporary ones: the finished clones. */
    private List<Path> clones() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }

    @Test
    void streamsAThousandFilesWithSizesFromObjectHeaders() throws Exception {
        List<TestRepository.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entries.add(text("src/pkg" + (i % 20) + "/File" + i + ".java", javaClass(i)));
        }
        try (TestRepository repository = repository("big.git")) {
            repository.commit("main", entries);
        }
        try (Snapshot snapshot = source().open(project(server.url("big.git"), null))) {
            List<SourceFile> files = list(snapshot);
            assertThat(files).hasSize(1000).allSatisfy(f -> {
                assertThat(f.kind()).isEqualTo(FileKind.REGULAR);
                assertThat(f.language()).isEqualTo("java");
            });
            SourceFile f = file(snapshot, "src/pkg3/File123.java");
            String expected = javaClass(123);
            assertThat(f.size()).isEqualTo(expected.length());
            assertThat(new String(snapshot.read(f), StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    private static String javaClass(int i) {
        return ("class File" + i + " {}\n").repeat(i % 7 + 1);
    }

    @Test
    void readsBinaryFilesByteForByte() throws Exception {
        byte[] png = new byte[4096];
        new Random(7).nextBytes(png);
        png[0] = (byte) 0x89;
        png[10] = 0;
        try (TestRepository repository = repository("binary.git")) {
            repository.commit("main", List.of(bytes("logo.png", png), text("README.md", "# hi\n")));
        }
        try (Snapshot snapshot = source().open(project(server.url("binary.git"), null))) {
            SourceFile logo = file(snapshot, "logo.png");
            assertThat(logo.size()).isEqualTo(4096);
            assertThat(snapshot.read(logo)).isEqualTo(png);
        }
    }

    @Test
    void aSymlinkToThePasswordFileIsListedAsASymlinkAndItsTargetIsNeverRead() throws Exception {
        try (TestRepository repository = repository("links.git")) {
            repository.commit("main", List.of(symlink("passwd", "/etc/passwd"), text("a.txt", "a\n")));
        }
        try (Snapshot snapshot = source().open(project(server.url("links.git"), null))) {
            SourceFile link = file(snapshot, "passwd");
            assertThat(link.kind()).isEqualTo(FileKind.SYMLINK);
            assertThat(link.size()).isEqualTo("/etc/passwd".length()); // the link's own blob, not the target
            assertThatThrownBy(() -> snapshot.read(link)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("never read");
            // Mislabelled as a regular file, it yields its link text: blobs are read, never disk paths.
            SourceFile forged = SourceFile.regular("passwd", link.size(), link.blobId());
            assertThat(snapshot.read(forged)).isEqualTo("/etc/passwd".getBytes(StandardCharsets.UTF_8));
            SourceFile byPath = SourceFile.regular("passwd", link.size(), "not-an-id");
            assertThatThrownBy(() -> snapshot.read(byPath)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("no regular file passwd");
            // An id that is no blob of this repository (unknown, or a commit's) falls back to the path.
            byte[] a = "a\n".getBytes(StandardCharsets.UTF_8);
            assertThat(snapshot.read(SourceFile.regular("a.txt", 2, "0123456789abcdef0123456789abcdef01234567")))
                    .isEqualTo(a);
            assertThat(snapshot.read(SourceFile.regular("a.txt", 2, snapshot.commit()))).isEqualTo(a);
            SourceFile missing = SourceFile.regular("nope.txt", 1, "not-an-id");
            assertThatThrownBy(() -> snapshot.read(missing)).hasMessageContaining("no regular file nope.txt");
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.filter(Files::isSymbolicLink).toList()).as("no working tree, no links").isEmpty();
        }
    }

    @Test
    void aSubmoduleIsListedAsSuchAndNeverFetched() throws Exception {
        String elsewhere = "0123456789abcdef0123456789abcdef01234567";
        try (TestRepository repository = repository("super.git")) {
            repository.commit("main", List.of(submodule("vendor/lib", elsewhere), text(".gitmodules",
                    "[submodule \"lib\"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n"),
                    text("main.c", "int main() {}\n")));
        }
        try (Snapshot snapshot = source().open(project(server.url("super.git"), null))) {
            SourceFile lib = file(snapshot, "vendor/lib");
            assertThat(lib.kind()).isEqualTo(FileKind.SUBMODULE);
            assertThat(lib.blobId()).isEqualTo(elsewhere);
            assertThatThrownBy(() -> snapshot.read(lib)).isInstanceOf(SourceException.class);
            assertThat(snapshot.read(file(snapshot, "main.c"))).isEqualTo("int main() {}\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void reportsRenamesDeletesAndChangesBetweenCommits() throws Exception {
        String body = "public class Service {\n" + "  int compute(int x) { return x * 2; }\n".repeat(30) + "}\n";
        String first;
        try (TestRepository repository = repository("history.git")) {
            first = repository.commit("main", List.of(text("src/Old Name.java", body), text("gone.txt", "bye\n"),
                    text("kept.md", "same\n"), text("docs/ünïcödé.md", "v1\n")));
            repository.commit("main", List.of(text("src/New Name.java", body + "// touched\n"),
                    text("kept.md", "same\n"), text("docs/ünïcödé.md", "v2\n")));
        }
        JGitRepositorySource source = source();
        try (Snapshot old = source.open(project(server.url("history.git"), first))) {
            assertThat(old.commit()).isEqualTo(first);
        }
        try (Snapshot snapshot = source.open(project(server.url("history.git"), null))) {
            ChangeSet changes = snapshot.changesSince(first).orElseThrow();
            assertThat(changes.changed()).containsExactlyInAnyOrder("src/New Name.java", "docs/ünïcödé.md");
            assertThat(changes.deleted()).containsExactlyInAnyOrder("src/Old Name.java", "gone.txt");

            List<DiffEntry> diff = ((GitSnapshot) snapshot).diffSince(first).orElseThrow();
            assertThat(diff).anySatisfy(d -> {
                assertThat(d.getChangeType()).isEqualTo(DiffEntry.ChangeType.RENAME);
                assertThat(d.getOldPath()).isEqualTo("src/Old Name.java");
                assertThat(d.getNewPath()).isEqualTo("src/New Name.java");
            });
            assertThat(list(snapshot)).extracting(SourceFile::path)
                    .containsExactly("docs/ünïcödé.md", "kept.md", "src/New Name.java");
        }
    }

    @Test
    void anEarlierCommitStaysComparableAfterAForcePushButNotInAnotherCache() throws Exception {
        String first;
        String rewritten;
        try (TestRepository repository = repository("forced.git")) {
            first = repository.commit("main", List.of(text("a.txt", "1\n")));
            String second = repository.commit("main", List.of(text("a.txt", "2\n")));
            repository.resetBranch("main", first); // force-push: history rewritten
            rewritten = repository.commit("main", List.of(text("b.txt", "3\n")));
            assertThat(second).isNotEqualTo(rewritten);
        }
        JGitRepositorySource source = source();
        try (Snapshot snapshot = source.open(project(server.url("forced.git"), first))) {
            assertThat(snapshot.commit()).isEqualTo(first);
        }
        try (Snapshot snapshot = source.open(project(server.url("forced.git"), null))) {
            assertThat(snapshot.commit()).isEqualTo(rewritten);
            ChangeSet changes = snapshot.changesSince(first).orElseThrow();
            assertThat(changes.changed()).containsExactly("b.txt");
            assertThat(changes.deleted()).containsExactly("a.txt");
        }
        JGitRepositorySource fresh = new JGitRepositorySource(
                GitSourceSettings.defaults(temp.resolve("other-cache")).withAllowLocalSources(true));
        try (Snapshot snapshot = fresh.open(project(server.url("forced.git"), null))) {
            assertThat(snapshot.changesSince(first)).as("shallow clone: the parent is unknown").isEmpty();
            assertThat(snapshot.changesSince("not a commit")).isEmpty();
        }
    }

    @Test
    void aCommitOfAnotherRepositoryIsComparedThroughTheCloneKeptOfIt() throws Exception {
        String upstreamCommit;
        try (TestRepository upstream = repository("upstream.git")) {
            upstreamCommit = upstream.commit("main", List.of(text("a.txt", "1\n"), text("same.txt", "same\n"),
                    text("gone.txt", "bye\n")));
        }
        try (TestRepository fork = repository("fork.git")) {
            fork.commit("main", List.of(text("a.txt", "2\n"), text("same.txt", "same\n"), text("new.txt", "hi\n")));
        }
        JGitRepositorySource source = source();
        try (Snapshot upstream = source.open(project(server.url("upstream.git"), null))) {
            assertThat(upstream.commit()).isEqualTo(upstreamCommit);
        }
        try (Snapshot fork = source.open(project(server.url("fork.git"), null))) {
            assertThat(fork.changesSince(upstreamCommit)).as("not in the fork's own clone").isEmpty();
            ChangeSet changes = fork.changesSince(upstreamCommit, server.url("upstream.git")).orElseThrow();
            assertThat(changes.changed()).containsExactlyInAnyOrder("a.txt", "new.txt");
            assertThat(changes.deleted()).containsExactly("gone.txt");
            assertThat(fork.changesSince(upstreamCommit, server.url("never-cloned.git"))).isEmpty();
            assertThat(fork.changesSince("f".repeat(40), server.url("upstream.git"))).isEmpty();
            assertThat(list(fork)).extracting(SourceFile::path).as("the fork's own files, unchanged")
                    .containsExactly("a.txt", "new.txt", "same.txt");
        }
        JGitRepositorySource elsewhere = new JGitRepositorySource(
                GitSourceSettings.defaults(temp.resolve("other-cache")).withAllowLocalSources(true));
        try (Snapshot fork = elsewhere.open(project(server.url("fork.git"), null))) {
            assertThat(fork.changesSince(upstreamCommit, server.url("upstream.git")))
                    .as("no clone of the upstream in this cache").isEmpty();
        }
    }

    /** Branches main and dev, an annotated tag v1 on main's commit and a light one on dev's. */
    private record Refs(String onMain, String onDev) {
    }

    private Refs mainDevAndTags(String name) throws Exception {
        try (TestRepository repository = repository(name)) {
            String onMain = repository.commit("main", List.of(text("a.txt", "main\n")));
            String onDev = repository.commit("dev", List.of(text("a.txt", "dev\n")));
            repository.tag("v1", onMain, true);
            repository.tag("light", onDev, false);
            return new Refs(onMain, onDev);
        }
    }

    @Test
    void resolvesBranchesTagsAndCommitIds() throws Exception {
        Refs refs = mainDevAndTags("refs.git");
        String onMain = refs.onMain();
        String onDev = refs.onDev();
        JGitRepositorySource source = source();
        String url = server.url("refs.git");
        for (Map.Entry<String, String> ref : Map.of("main", onMain, "dev", onDev, "refs/heads/dev", onDev,
                "v1", onMain, "light", onDev, onDev, onDev).entrySet()) {
            try (Snapshot snapshot = source.open(project(url, ref.getKey()))) {
                assertThat(snapshot.commit()).as(ref.getKey()).isEqualTo(ref.getValue());
            }
        }
        try (Snapshot snapshot = source.open(project(url, null))) {
            assertThat(snapshot.commit()).isEqualTo(onMain);
        }
        assertThat(clones()).as("one cache per repository URL").hasSize(1);
    }

    /** Each listing of a remote's refs is a request of its own (with a forge, an HTTPS round trip). */
    private long refListings() {
        return server.paths().stream().filter(path -> path.endsWith("/info/refs")).count();
    }

    @Test
    void aBranchIsFetchedWithTheFetchsOwnListingOfTheRefsAndAnythingElseIsListedFirst() throws Exception {
        Refs refs = mainDevAndTags("once.git");
        String onMain = refs.onMain();
        String onDev = refs.onDev();
        JGitRepositorySource source = source();
        String url = server.url("once.git");

        try (Snapshot snapshot = source.open(project(url, "dev"))) {
            assertThat(snapshot.commit()).isEqualTo(onDev);
        }
        assertThat(refListings()).as("a first clone of a branch: the fetch's own listing").isEqualTo(1);
        String pushed;
        try (TestRepository repository = TestRepository.open(served.resolve("once.git"))) {
            pushed = repository.commit("dev", List.of(text("a.txt", "dev, again\n")));
        }
        try (Snapshot snapshot = source.open(project(url, "dev"))) {
            assertThat(snapshot.commit()).isEqualTo(pushed);
            assertThat(new String(snapshot.read(file(snapshot, "a.txt")), StandardCharsets.UTF_8))
                    .isEqualTo("dev, again\n");
        }
        assertThat(refListings()).as("a fetch of the branch into the clone: one listing more").isEqualTo(2);

        try (Snapshot snapshot = source.open(project(url, "v1"))) {
            assertThat(snapshot.commit()).as("a tag named plainly: no such branch, so the refs are listed")
                    .isEqualTo(onMain);
        }
        try (Snapshot snapshot = source.open(project(url, null))) {
            assertThat(snapshot.commit()).as("the default branch: the listing names it").isEqualTo(onMain);
        }
        assertThatThrownBy(() -> source.open(project(url, "nope"))).isInstanceOf(SourceException.class)
                .hasMessageContaining("branch or tag 'nope' not found").hasMessageContaining("its branches: dev, main");
    }

    @Test
    void theRemoteHeadOfBranchesTagsAndCommitIdsIsReadWithoutFetching() throws Exception {
        Refs refs = mainDevAndTags("heads.git");
        String onMain = refs.onMain();
        String onDev = refs.onDev();
        JGitRepositorySource source = source();
        String url = server.url("heads.git");
        for (Map.Entry<String, String> ref : Map.of("main", onMain, "dev", onDev, "refs/heads/dev", onDev,
                "v1", onMain, "light", onDev, onDev, onDev).entrySet()) {
            assertThat(source.remoteHead(url, ref.getKey())).as(ref.getKey()).isEqualTo(ref.getValue());
        }
        assertThat(source.remoteHead(url, null)).isEqualTo(onMain);
        assertThat(clones()).as("an ls-remote caches nothing").isEmpty();
        assertThatThrownBy(() -> source.remoteHead(url, "nope")).isInstanceOf(SourceException.class)
                .hasMessageContaining("'nope' not found");

        JGitRepositorySource strict = new JGitRepositorySource(GitSourceSettings.defaults(cache));
        assertThatThrownBy(() -> strict.remoteHead(url, null)).as("the same source rules as a fetch")
                .isInstanceOf(SourceException.class).hasMessageContaining("not encrypted");
        assertThatThrownBy(() -> strict.remoteHead("https://127.0.0.1/x.git", null))
                .isInstanceOf(SourceException.class);
    }

    /** A page's address runs a branch holding '/' and a path together: the remote tells where the ref ends. */
    @Test
    void theLongestCandidateThatIsABranchOrTagOfTheRemoteIsFound() throws Exception {
        try (TestRepository repository = repository("slashes.git")) {
            String first = repository.commit("main", List.of(text("a.txt", "main\n")));
            repository.commit("feature/login", List.of(text("a.txt", "login\n")));
            repository.tag("release/2.0", first, true);
            repository.tag("feature", first, false); // a branch 'feature' could not sit beside 'feature/login'

        }
        JGitRepositorySource source = source();
        String url = server.url("slashes.git");

        assertThat(source.firstExistingRef(url, List.of("feature/login/src/a.txt", "feature/login/src",
                "feature/login", "feature"))).contains("feature/login");
        assertThat(source.firstExistingRef(url, List.of("feature/x", "feature"))).as("a tag").contains("feature");
        assertThat(source.firstExistingRef(url, List.of("release/2.0/docs", "release/2.0", "release")))
                .contains("release/2.0");
        assertThat(source.firstExistingRef(url, List.of("nope/a", "nope"))).isEmpty();
        assertThat(clones()).as("an ls-remote caches nothing").isEmpty();
        JGitRepositorySource strict = new JGitRepositorySource(GitSourceSettings.defaults(cache));
        assertThatThrownBy(() -> strict.firstExistingRef(url, List.of("main/a", "main")))
                .as("the same source rules as a fetch").isInstanceOf(SourceException.class)
                .hasMessageContaining("not encrypted");
    }

    @Test
    void theDefaultBranchIsWhateverTheRemoteHeadNames() throws Exception {
        String onTrunk;
        try (TestRepository repository = repository("trunk.git")) {
            repository.commit("main", List.of(text("a.txt", "main\n")));
            onTrunk = repository.commit("trunk", List.of(text("a.txt", "trunk\n")));
            RefUpdate head = repository.repository().updateRef(Constants.HEAD);
            head.link(Constants.R_HEADS + "trunk");
        }
        try (Snapshot snapshot = source().open(project(server.url("trunk.git"), null))) {
            assertThat(snapshot.commit()).isEqualTo(onTrunk);
        }
    }

    @Test
    void aServerThatIsNotListeningIsANetworkFailure() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/gone.git";
        assertThatThrownBy(() -> source().open(project(url, null)))
                .isInstanceOf(SourceException.class)
                .hasMessage("could not connect to " + url + " (network failure)");
    }

    /**
     * A bare repository whose HEAD names a branch it lacks (made with git's old default, master, then
     * pushed main), and a typo in a ref: the branches it has are named, at most five.
     */
    @Test
    void aRepositoryWithoutItsDefaultBranchNamesTheBranchesItHas() throws Exception {
        try (TestRepository repository = repository("headless.git")) {
            for (String branch : List.of("main", "develop", "release-1", "release-2", "release-3", "release-4")) {
                repository.commit(branch, List.of(text("a.txt", branch + "\n")));
            }
            repository.repository().updateRef(org.eclipse.jgit.lib.Constants.HEAD).link("refs/heads/master");
        }
        assertThatThrownBy(() -> source().open(project(server.url("headless.git"), null)))
                .isInstanceOf(SourceException.class).hasMessage(server.url("headless.git") + " has no default branch"
                        + " (HEAD); name a branch; its branches: develop, main, release-1, release-2, release-3 (and 1 more)");
        assertThatThrownBy(() -> source().open(project(server.url("headless.git"), "mian")))
                .hasMessageEndingWith("; its branches: develop, main, release-1, release-2, release-3 (and 1 more)");
    }

    @Test
    void aMissingBranchIsAClearErrorAndLeavesNoCache() {
        assertThatThrownBy(() -> {
            try (TestRepository repository = repository("branches.git")) {
                repository.commit("main", List.of(text("a.txt", "a\n")));
            }
            source().open(project(server.url("branches.git"), "nope"));
        }).isInstanceOf(SourceException.class)
                .hasMessage("branch or tag 'nope' not found in " + server.url("branches.git") + "; its branches: main");
        assertThatThrownBy(() -> source().open(project(server.url("branches.git"), "abc1234")))
                .hasMessageContaining("full 40-character id");
        assertThatThrownBy(() -> source().open(project(server.url("branches.git"),
                "0123456789abcdef0123456789abcdef01234567")))
                .isInstanceOf(SourceException.class).hasMessageContaining("0123456789abcdef0123456789abcdef01234567")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void failedClonesLeaveNoHalfWrittenCache() throws Exception {
        try (TestRepository repository = repository("half.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        assertThatThrownBy(() -> source().open(project(server.url("half.git"), "nope")));
        assertThatThrownBy(() -> source().open(project(server.url("missing.git"), null)));
        assertThat(clones()).isEmpty();
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.endsWith(".lock"));
        }
    }

    @Test
    void anEmptyRepositoryIsAClearError() throws Exception {
        repository("empty.git").close();
        assertThatThrownBy(() -> source().open(project(server.url("empty.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage("the repository " + server.url("empty.git") + " is empty (it has no commits)");
    }

    @Test
    void aMissingRepositoryIsNotFound() {
        assertThatThrownBy(() -> source().open(project(server.url("missing.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage("repository not found: " + server.url("missing.git"));
        assertThatThrownBy(() -> source().open(project(temp.resolve("nothing-here").toString(), null)))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("repository not found: ");
    }

    /** `rag ask --repo .` from a subdirectory of a working tree: says which repository to give. */
    @Test
    void aFolderInsideAWorkingTreeNamesTheRepositoryToGive() throws Exception {
        Path tree = temp.resolve("work").toAbsolutePath();
        org.eclipse.jgit.api.Git.init().setDirectory(tree.toFile()).call().close();
        Path folder = Files.createDirectories(tree.resolve("src/main"));
        assertThatThrownBy(() -> source().open(project(folder.toString(), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage(folder + " is a folder inside the Git repository " + tree
                        + ", not the repository itself: give " + tree + " (a project is a whole repository)");
    }

    @Test
    void aBlobOverTheLimitIsListedWithItsSizeAndNotRead() throws Exception {
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        try (TestRepository repository = repository("blob.git")) {
            repository.commit("main", List.of(bytes("data/huge.bin", big), text("small.txt", "ok\n")));
        }
        JGitRepositorySource source = new JGitRepositorySource(settings().withMaxFileBytes(100_000));
        try (Snapshot snapshot = source.open(project(server.url("blob.git"), null))) {
            SourceFile huge = file(snapshot, "data/huge.bin");
            assertThat(huge.size()).isEqualTo(300_000);
            assertThatThrownBy(() -> snapshot.read(huge)).isInstanceOf(SourceException.class)
                    .hasMessage("data/huge.bin is 300000 bytes, over the read limit of 100000 bytes");
            assertThat(snapshot.read(file(snapshot, "small.txt"))).hasSize(3);
        }
    }

    @Test
    void aRepositoryOverTheDownloadLimitFailsAndLeavesNoCache() throws Exception {
        byte[] noise = new byte[2_000_000];
        new Random(11).nextBytes(noise);
        try (TestRepository repository = repository("huge.git")) {
            repository.commit("main", List.of(bytes("noise.bin", noise)));
        }
        JGitRepositorySource source = new JGitRepositorySource(settings().withMaxRepositoryBytes(200_000));
        assertThatThrownBy(() -> source.open(project(server.url("huge.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage(server.url("huge.git") + " is larger than the download limit of 200000 bytes for one "
                        + "clone or fetch");
        assertThat(clones()).isEmpty();
    }

    @Test
    void aStalledServerTimesOut() throws Exception {
        try (TestRepository repository = repository("slow.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        server.stall(5_000);
        JGitRepositorySource source = new JGitRepositorySource(settings().withTimeout(Duration.ofSeconds(1)));
        long started = System.nanoTime();
        assertThatThrownBy(() -> source.open(project(server.url("slow.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage("fetching " + server.url("slow.git") + " took longer than the timeout of 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(clones()).isEmpty();
    }

    @Test
    void authenticationRequiredWithoutCredentials() throws Exception {
        try (TestRepository repository = repository("private.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        server.requireBasicAuth("x-access-token", TOKEN);
        // A token configured for github.com is never sent to another host.
        JGitRepositorySource source = new JGitRepositorySource(settings().withGitHubToken(TOKEN));
        assertThatThrownBy(() -> source.open(project(server.url("private.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("authentication required: " + server.url("private.git") + " is private")
                .hasMessageContaining("GITHUB_TOKEN")
                .hasMessageNotContaining(TOKEN);
        assertThat(server.authorizations()).isEmpty();
    }

    @Test
    void rejectedCredentialsAreAClearErrorWithoutTheSecret() throws Exception {
        try (TestRepository repository = repository("private.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        server.requireBasicAuth("x-access-token", TOKEN);
        JGitRepositorySource source = new JGitRepositorySource(
                settings().withCredentials("127.0.0.1", "x-access-token", "wrong-" + TOKEN));
        assertThatThrownBy(() -> source.open(project(server.url("private.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessage("the credentials for 127.0.0.1 were rejected by " + server.url("private.git")
                        + "; check the token and its access to this repository");
    }

    @Test
    void aTokenReadsAPrivateRepositoryAndIsNeverWrittenToTheCache() throws Exception {
        try (TestRepository repository = repository("private.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        server.requireBasicAuth("x-access-token", TOKEN);
        JGitRepositorySource source = new JGitRepositorySource(
                settings().withCredentials("127.0.0.1", "x-access-token", TOKEN));
        String userInfoUrl = server.url("private.git").replace("http://", "http://someone:" + TOKEN + "@");
        assertThatThrownBy(() -> source.open(project(userInfoUrl, null))).isInstanceOf(SourceException.class)
                .hasMessageContaining("credentials are never accepted").hasMessageNotContaining(TOKEN)
                .hasMessageNotContaining("someone");
        try (Snapshot snapshot = source.open(project(server.url("private.git"), null))) {
            assertThat(snapshot.read(file(snapshot, "a.txt"))).isEqualTo("a\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Snapshot again = source.open(project(server.url("private.git"), null))) {
            assertThat(again.commit()).isNotBlank();
        }
        assertThat(clones()).hasSize(1);
        assertThat(Files.readString(clones().get(0).resolve("config"))).doesNotContain("[remote").doesNotContain("url");
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(TOKEN).doesNotContain("someone");
            }
        }
    }

    @Test
    void redirectsAreCheckedLikeSources() throws Exception {
        try (TestRepository repository = repository("moved.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        server.redirectTo("http://169.254.169.254");
        assertThatThrownBy(() -> source().open(project(server.url("moved.git"), null)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("'169.254.169.254' is a link-local address")
                .hasMessageContaining("redirect");

        try (GitHttpTestServer target = new GitHttpTestServer(served)) {
            server.redirectTo("http://127.0.0.1:" + target.port());
            try (Snapshot snapshot = source().open(project(server.url("moved.git"), null))) {
                assertThat(list(snapshot)).extracting(SourceFile::path).containsExactly("a.txt");
            }
            assertThat(target.paths()).anyMatch(p -> p.endsWith("/git-upload-pack"));
        }
    }

    @Test
    void concurrentOpensOfOneRepositoryShareOneIntactCache() throws Exception {
        try (TestRepository repository = repository("shared.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n"), text("b.txt", "b\n")));
        }
        JGitRepositorySource first = source();
        JGitRepositorySource second = source(); // like a second worker with the same cache directory
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> commits = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JGitRepositorySource source = i % 2 == 0 ? first : second;
                commits.add(pool.submit(() -> {
                    try (Snapshot snapshot = source.open(project(server.url("shared.git"), null))) {
                        assertThat(list(snapshot)).hasSize(2);
                        return snapshot.commit();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> commit : commits) {
                results.add(commit.get());
            }
            assertThat(results).hasSize(8).containsOnly(results.get(0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(clones()).hasSize(1);
    }

    @Test
    void aBrokenCacheDirectoryIsClonedAgain() throws Exception {
        try (TestRepository repository = repository("again.git")) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        JGitRepositorySource source = source();
        try (Snapshot snapshot = source.open(project(server.url("again.git"), null))) {
            assertThat(snapshot.commit()).isNotBlank();
        }
        Path clone = clones().get(0);
        CloneCache.deleteRecursively(clone);
        Files.createDirectories(clone.resolve("junk"));
        try (Snapshot snapshot = source.open(project(server.url("again.git"), null))) {
            assertThat(list(snapshot)).extracting(SourceFile::path).containsExactly("a.txt");
        }
    }

    @Test
    void lfsPointerFilesAreListedAsTheSmallTextFilesTheyAre() throws Exception {
        String pointer = "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
        try (TestRepository repository = repository("lfs.git")) {
            repository.commit("main", List.of(text("model.bin", pointer),
                    text(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n")));
        }
        try (Snapshot snapshot = source().open(project(server.url("lfs.git"), null))) {
            SourceFile model = file(snapshot, "model.bin");
            assertThat(model.kind()).isEqualTo(FileKind.REGULAR);
            assertThat(model.size()).isEqualTo(pointer.length());
            assertThat(new String(snapshot.read(model), StandardCharsets.UTF_8)).isEqualTo(pointer);
        }
    }

    @Test
    void localSourcesAreRefusedUnlessEnabled() throws Exception {
        Path dir = temp.resolve("local.git");
        try (TestRepository repository = TestRepository.create(dir)) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
        }
        JGitRepositorySource strict = new JGitRepositorySource(GitSourceSettings.defaults(cache));
        assertThatThrownBy(() -> strict.open(project(dir.toString(), null)))
                .isInstanceOf(SourceException.class).hasMessageContaining("RAG_ALLOW_LOCAL_SOURCES=true");
        assertThatThrownBy(() -> strict.validate(dir.toUri().toString()))
                .isInstanceOf(SourceException.class).hasMessageContaining("file:// sources are refused");
        assertThatThrownBy(() -> strict.open(project(server.url("x.git"), null)))
                .isInstanceOf(SourceException.class).hasMessageContaining("not encrypted");
        assertThat(clones()).isEmpty();

        try (Snapshot snapshot = source().open(project(dir.toUri().toString(), null))) {
            assertThat(list(snapshot)).extracting(SourceFile::path).containsExactly("a.txt");
        }
    }

    @Test
    void validateChecksWithoutFetching() {
        JGitRepositorySource strict = new JGitRepositorySource(GitSourceSettings.defaults(cache));
        strict.validate("https://github.com/owner/repo");
        assertThatThrownBy(() -> strict.validate("https://127.0.0.1/x.git")).isInstanceOf(SourceException.class);
        assertThatThrownBy(() -> strict.validate("ext::sh -c id")).isInstanceOf(SourceException.class);
        assertThat(cache).doesNotExist();
    }
}

package dev.reporag.git;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import dev.reporag.core.sync.Refresh;
import dev.reporag.core.model.SourceFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter against C Git's smart HTTP server ({@code git http-backend}, as the hosts run Git),
 * over repositories made and changed with the {@code git} command: what it fetches is compared with
 * what C Git itself says of the same repository ({@code rev-parse}, {@code ls-tree}, {@code diff},
 * {@code log}). Every test runs under protocol v2 (JGit's default, the hosts' too) and v0 (a server
 * or proxy that drops the {@code Git-Protocol} header).
 */
class GitHttpBackendTest {
    @TempDir
    Path temp;

    private GitHttpBackendServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private void serve(boolean protocolV2) throws IOException {
        server = new GitHttpBackendServer(temp.resolve("served"), protocolV2);
    }

    private JGitRepositorySource source(String cache) {
        return new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve(cache)).withAllowLocalSources(true));
    }

    private static Project project(String url, String ref) {
        return new Project(ProjectId.random(), "c-git", url, ref, Instant.now());
    }

    private static List<SourceFile> list(Snapshot snapshot) {
        try (Stream<SourceFile> files = snapshot.files()) {
            return files.toList();
        }
    }

    private void assertSpoke(boolean protocolV2) {
        if (protocolV2) {
            assertThat(server.protocols()).as("the client asked for protocol v2").contains("version=2");
        } else {
            assertThat(server.protocols()).as("v0 only").containsOnly("");
        }
    }

    /** A bare repository under the served root, and a work tree of it that commits with C Git and pushes. */
    private final class CGit {
        final Path bare;
        final Path work;

        CGit(String name) throws Exception {
            bare = temp.resolve("served").resolve(name);
            work = temp.resolve("work-" + name);
            Files.createDirectories(bare.getParent());
            run(temp, "init", "--quiet", "--bare", "--initial-branch=main", bare.toString());
            run(temp, "init", "--quiet", "--initial-branch=main", work.toString());
            run(work, "remote", "add", "origin", bare.toString());
        }

        String commit(String branch, Map<String, String> files, String... deleted) throws Exception {
            if (!run(work, "symbolic-ref", "--short", "HEAD").equals(branch)) {
                boolean exists = !run(work, "branch", "--list", branch).isBlank();
                if (exists) {
                    run(work, "checkout", "--quiet", branch);
                } else {
                    run(work, "checkout", "--quiet", "-b", branch);
                }
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = work.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
            for (String path : deleted) {
                run(work, "rm", "--quiet", path);
            }
            run(work, "add", "--all");
            run(work, "commit", "--quiet", "--allow-empty", "-m", "change of " + branch);
            run(work, "push", "--quiet", "--force", "origin", branch);
            return run(work, "rev-parse", "HEAD");
        }

        String git(String... args) throws Exception {
            return run(bare, args);
        }
    }

    private static String run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("HOME", dir.toString());
        env.put("GIT_AUTHOR_NAME", "C Git");
        env.put("GIT_AUTHOR_EMAIL", "c@git.test");
        env.put("GIT_COMMITTER_NAME", "C Git");
        env.put("GIT_COMMITTER_EMAIL", "c@git.test");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }

    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void everyFileIsReadAsCGitStoresIt(boolean protocolV2) throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("files.git");
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < 120; i++) {
            files.put("src/pkg" + (i % 6) + "/File" + i + ".java", ("class File" + i + " {}\n").repeat(i % 9 + 1));
        }
        files.put("docs/ünïcödé name.md", "# Ünïcödé\n");
        files.put("README.md", "# C Git\n");
        repository.commit("main", files);
        byte[] binary = new byte[70_000];
        new Random(3).nextBytes(binary);
        Files.createDirectories(repository.work.resolve("assets"));
        Files.write(repository.work.resolve("assets/blob.bin"), binary);
        Files.createSymbolicLink(repository.work.resolve("link-to-readme"), Path.of("README.md"));
        String head = repository.commit("main", Map.of());

        try (Snapshot snapshot = source("cache").open(project(server.url("files.git"), null))) {
            assertThat(snapshot.commit()).isEqualTo(head).isEqualTo(repository.git("rev-parse", "main"));
            List<SourceFile> listed = list(snapshot);
            assertThat(listed).extracting(SourceFile::path).containsExactlyInAnyOrderElementsOf(
                    repository.git("-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", "main").lines().toList());
            for (SourceFile file : listed) {
                if (file.path().equals("link-to-readme")) {
                    assertThat(file.kind()).isEqualTo(dev.reporag.core.model.FileKind.SYMLINK);
                    continue;
                }
                byte[] expected = file.path().equals("assets/blob.bin") ? binary
                        : files.get(file.path()).getBytes(StandardCharsets.UTF_8);
                assertThat(snapshot.read(file)).as(file.path()).isEqualTo(expected);
                assertThat(file.size()).as(file.path()).isEqualTo(expected.length);
            }
        }
        assertSpoke(protocolV2);
    }

    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void branchesTagsAndTheTipsCommitIdResolveAsRevParseSays(boolean protocolV2) throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("refs.git");
        String firstOnMain = repository.commit("main", Map.of("a.txt", "main 1\n"));
        String onMain = repository.commit("main", Map.of("a.txt", "main 2\n"));
        String onDev = repository.commit("dev", Map.of("a.txt", "dev\n"));
        repository.git("tag", "-a", "-m", "release", "v1", onMain);
        repository.git("tag", "light", onDev);
        String url = server.url("refs.git");
        JGitRepositorySource source = source("cache");

        Map<String, String> expected = Map.of("main", onMain, "dev", onDev, "refs/heads/dev", onDev, "v1", onMain,
                "refs/tags/v1", onMain, "light", onDev, onDev, onDev);
        for (Map.Entry<String, String> ref : expected.entrySet()) {
            try (Snapshot snapshot = source.open(project(url, ref.getKey()))) {
                assertThat(snapshot.commit()).as(ref.getKey()).isEqualTo(ref.getValue())
                        .isEqualTo(repository.git("rev-parse", ref.getKey() + "^{commit}"));
            }
            assertThat(source.remoteHead(url, ref.getKey())).as("ls-remote of %s", ref.getKey())
                    .isEqualTo(ref.getValue());
        }
        try (Snapshot snapshot = source.open(project(url, null))) {
            assertThat(snapshot.commit()).as("the default branch: HEAD of the server").isEqualTo(onMain);
        }
        assertThat(source.firstExistingRef(url, List.of("feature/login", "dev", "main"))).contains("dev");

        // An older commit by its id, which no ref points to: over HTTP C Git serves any commit reachable
        // from a ref, whatever uploadpack.allowReachableSHA1InWant says (that is for its own protocol).
        try (Snapshot snapshot = source("another-cache").open(project(url, firstOnMain))) {
            assertThat(snapshot.commit()).isEqualTo(firstOnMain);
        }
        // One no ref reaches any more (a force-push dropped it; the server still holds the object): v0
        // refuses it, and the error says which commit; v2's upload-pack serves any object it holds.
        run(repository.work, "checkout", "--quiet", "dev");
        run(repository.work, "reset", "--quiet", "--hard", "main");
        run(repository.work, "push", "--quiet", "--force", "origin", "dev");
        repository.git("tag", "-d", "light");
        if (protocolV2) {
            try (Snapshot snapshot = source("a-third-cache").open(project(url, onDev))) {
                assertThat(snapshot.commit()).isEqualTo(onDev);
            }
        } else {
            assertThatThrownBy(() -> source("a-third-cache").open(project(url, onDev)).close())
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("the commit '" + onDev + "' is not available from " + url);
        }
        assertSpoke(protocolV2);
    }

    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void laterPushesAndAForcePushAreFetchedIntoTheCloneAndComparedAsGitDiffSays(boolean protocolV2)
            throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("changes.git");
        String body = "public class Service {\n" + "  int compute(int x) { return x * 2; }\n".repeat(30) + "}\n";
        String first = repository.commit("main", Map.of("src/Old.java", body, "gone.txt", "bye\n",
                "kept.md", "same\n", "docs/a.md", "v1\n"));
        JGitRepositorySource source = source("cache");
        String url = server.url("changes.git");
        try (Snapshot snapshot = source.open(project(url, "main"))) {
            assertThat(snapshot.commit()).isEqualTo(first);
        }
        Files.move(repository.work.resolve("src/Old.java"), repository.work.resolve("src/New.java"));
        String second = repository.commit("main", Map.of("docs/a.md", "v2\n", "added.txt", "new\n"), "gone.txt");
        try (Snapshot snapshot = source.open(project(url, "main"))) {
            assertThat(snapshot.commit()).isEqualTo(second);
            assertThat(snapshot.changesSince(first).orElseThrow()).isEqualTo(diff(repository, first, second));
        }

        run(repository.work, "reset", "--quiet", "--hard", first); // history rewritten, force-pushed
        String rewritten = repository.commit("main", Map.of("kept.md", "rewritten\n"));
        try (Snapshot snapshot = source.open(project(url, "main"))) {
            assertThat(snapshot.commit()).isEqualTo(rewritten);
            assertThat(snapshot.changesSince(second).orElseThrow()).as("from the commit the force-push dropped")
                    .isEqualTo(diff(repository, second, rewritten));
        }
        assertSpoke(protocolV2);
    }

    /** What {@code git diff --name-status --no-renames} says, as a change set: a rename is a delete and an add. */
    private static ChangeSet diff(CGit repository, String from, String to) throws Exception {
        Set<String> changed = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        for (String line : repository.git("diff", "--name-status", "--no-renames", from, to).lines().toList()) {
            String[] parts = line.split("\t");
            (parts[0].equals("D") ? deleted : changed).add(parts[1]);
        }
        assertThat(changed).isNotEmpty();
        return new ChangeSet(changed, deleted);
    }

    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void historyIsDeepenedToTheCommitsGitLogLists(boolean protocolV2) throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("history.git");
        for (int i = 0; i < 12; i++) {
            repository.commit("main", Map.of("notes/" + i + ".md", "note " + i + "\n", "log.txt", "entry " + i + "\n"));
        }
        JGitRepositorySource source = source("cache");
        String url = server.url("history.git");
        try (Snapshot tip = source.open(project(url, "main"))) {
            assertThat(tip.commit()).isEqualTo(repository.git("rev-parse", "main"));
        }
        for (int depth : new int[] {5, 12, 40}) {
            try (Snapshot snapshot = source.openWithHistory(project(url, "main"), depth, FetchMonitor.NONE)) {
                List<CommitInfo> history = snapshot.history(depth);
                // The deepest commit fetched is known with its changes only when it is the first commit
                // (which C Git marks shallow too when the depth ends at it).
                int known = depth >= 12 ? 12 : depth - 1;
                assertThat(history).extracting(CommitInfo::id).as("depth %d", depth).containsExactlyElementsOf(
                        repository.git("log", "-n", Integer.toString(known), "--format=%H", "main").lines().toList());
                CommitInfo newest = history.get(0);
                assertThat(newest.modified()).containsExactly("log.txt");
                assertThat(newest.added()).containsExactly("notes/11.md");
            }
        }
        // A later push after the deepening is fetched as any other.
        String next = repository.commit("main", Map.of("log.txt", "entry 12\n"));
        try (Snapshot snapshot = source.open(project(url, "main"))) {
            assertThat(snapshot.commit()).isEqualTo(next);
        }
        assertSpoke(protocolV2);
    }

    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void aMissingBranchOrRepositoryIsAClearErrorAndLeavesNoCache(boolean protocolV2) throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("named.git");
        repository.commit("main", Map.of("a.txt", "a\n"));
        repository.commit("develop", Map.of("b.txt", "b\n"));
        JGitRepositorySource source = source("cache");
        assertThatThrownBy(() -> source.open(project(server.url("named.git"), "feature")).close())
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("'feature' not found")
                .hasMessageContaining("develop, main");
        assertThatThrownBy(() -> source.open(project(server.url("nothing-here.git"), null)).close())
                .isInstanceOf(SourceException.class)
                .hasMessage("repository not found: " + server.url("nothing-here.git"));
        Path cache = temp.resolve("cache");
        try (Stream<Path> left = Files.isDirectory(cache) ? Files.list(cache) : Stream.empty()) {
            assertThat(left.filter(Files::isDirectory).map(Path::getFileName).map(Path::toString))
                    .as("no clone left by either failure").isEmpty();
        }
        Optional<String> none = source.firstExistingRef(server.url("named.git"), List.of("feature", "hotfix"));
        assertThat(none).isEmpty();
    }

    /** {@code rag sync} end to end: one {@code ls-remote} sees the push, and the re-index embeds only what it changed. */
    @ParameterizedTest(name = "protocol v2: {0}")
    @ValueSource(booleans = {true, false})
    void aSyncSeesAPushToTheServerAndTheReindexEmbedsOnlyItsChange(boolean protocolV2) throws Exception {
        serve(protocolV2);
        CGit repository = new CGit("synced.git");
        String body = "public class Greeter {\n" + "  String greet(String name) { return \"hi \" + name; }\n".repeat(20)
                + "}\n";
        String first = repository.commit("main", Map.of("src/Greeter.java", body,
                "src/Util.java", "class Util { static int twice(int x) { return 2 * x; } }\n"));
        HashingEmbedder embedder = new HashingEmbedder();
        InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
        try (RepoRag rag = RepoRag.builder().source(source("cache")).embedder(embedder).vectorStore(store)
                .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository()).build()) {
            Project project = rag.register("synced", server.url("synced.git"), null);
            rag.requestIngestion(project.id());
            assertThat(rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
            assertThat(rag.sync()).extracting(Refresh::outcome).containsExactly(Refresh.Outcome.UP_TO_DATE);
            assertThat(rag.processNext("test")).as("nothing queued").isEmpty();

            String second = repository.commit("main",
                    Map.of("src/Util.java", "class Util { static int thrice(int x) { return 3 * x; } }\n"));
            List<Refresh> synced = rag.sync();
            assertThat(synced).singleElement().satisfies(refresh -> {
                assertThat(refresh.outcome()).isEqualTo(Refresh.Outcome.QUEUED);
                assertThat(refresh.indexed()).isEqualTo(first);
                assertThat(refresh.remote()).isEqualTo(second);
            });
            IngestionJob job = rag.processNext("test").orElseThrow();
            assertThat(job.status()).as(job.errorMessage().orElse("")).isEqualTo(JobStatus.READY);
            assertThat(rag.status(project.id()).indexedCommit()).contains(second);
            assertThat(job.progress().chunksEmbedded()).as("only the changed file").isEqualTo(1);
            assertThat(store.keywordSearch(project.id(), "thrice", 5)).isNotEmpty();
            assertThat(store.keywordSearch(project.id(), "twice", 5)).isEmpty();
            assertThat(rag.sync()).extracting(Refresh::outcome).containsExactly(Refresh.Outcome.UP_TO_DATE);
        }
        assertSpoke(protocolV2);
    }
}

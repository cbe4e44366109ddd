package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.reporag.git.TestRepository.Entry.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache across processes: a held file lock, and a process killed in the middle of a clone. */
class CrashedCloneTest {
    @TempDir
    Path temp;

    private static Project project(String source) {
        return new Project(ProjectId.random(), "test", source, null, Instant.now());
    }

    private static String cacheKey(String source) {
        return new SourceUrlPolicy(true, Set.of(), HostResolver.SYSTEM).check(source).cacheKey();
    }

    @Test
    void waitsForTheFileLockOfAnotherProcessThenGivesUpClearly() throws Exception {
        Path cache = temp.resolve("cache");
        try (GitHttpTestServer server = new GitHttpTestServer(temp.resolve("served"));
             TestRepository repository = TestRepository.create(temp.resolve("served/locked.git"))) {
            repository.commit("main", List.of(text("a.txt", "a\n")));
            String url = server.url("locked.git");
            Files.createDirectories(cache);
            JGitRepositorySource source = new JGitRepositorySource(GitSourceSettings.defaults(cache)
                    .withAllowLocalSources(true).withTimeout(Duration.ofSeconds(1)));
            try (FileChannel channel = FileChannel.open(cache.resolve(cacheKey(url) + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock held = channel.lock();
                assertThatThrownBy(() -> source.open(project(url)))
                        .isInstanceOf(SourceException.class)
                        .hasMessage("another job is still fetching " + url + "; try again later");
                held.release();
            }
            try (Snapshot snapshot = source.open(project(url))) {
                assertThat(snapshot.commit()).isNotBlank();
            }
        }
    }

    @Test
    void aCloneKilledMidwayLeavesNothingThatTheNextOpenTrips() throws Exception {
        Path cache = temp.resolve("cache");
        try (GitHttpTestServer server = new GitHttpTestServer(temp.resolve("served"));
             TestRepository repository = TestRepository.create(temp.resolve("served/killed.git"))) {
            String commit = repository.commit("main", List.of(text("a.txt", "a\n")));
            String url = server.url("killed.git");
            server.stall(60_000); // the child stays inside its fetch until it is killed
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenOnce.class.getName(), cache.toString(), url)
                    .redirectErrorStream(true).redirectOutput(temp.resolve("child.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!temporaryCloneExists(cache) && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(50);
                }
                assertThat(temporaryCloneExists(cache)).as(Files.readString(temp.resolve("child.log"))).isTrue();
                Thread.sleep(300); // inside the fetch, holding the file lock
            } finally {
                child.destroyForcibly(); // SIGKILL: no finally blocks run in the child
                child.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(temporaryCloneExists(cache)).as("the killed clone left its temporary directory").isTrue();

            server.stall(0);
            JGitRepositorySource source = new JGitRepositorySource(
                    GitSourceSettings.defaults(cache).withAllowLocalSources(true));
            try (Snapshot snapshot = source.open(project(url))) {
                assertThat(snapshot.commit()).isEqualTo(commit);
            }
            assertThat(temporaryCloneExists(cache)).as("leftovers are removed under the lock").isFalse();
        }
    }

    private static boolean temporaryCloneExists(Path cache) throws Exception {
        if (!Files.isDirectory(cache)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("."));
        }
    }

    /** The child process: opens one repository (it is killed before it finishes). */
    static final class OpenOnce {
        public static void main(String[] args) {
            JGitRepositorySource source = new JGitRepositorySource(
                    GitSourceSettings.defaults(Path.of(args[0])).withAllowLocalSources(true));
            try (Snapshot snapshot = source.open(project(args[1]))) {
                System.out.println("opened " + snapshot.commit());
            }
        }
    }
}

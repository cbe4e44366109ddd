package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.reporag.git.TestRepository.Entry.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process without JGit's cached file-system timings (a fresh container, a read-only home) does
 * not wait for JGit to time the file system before its first clone (about 3 s), and the timing,
 * made in the background, is still cached for the next process.
 */
class FreshProcessCloneTest {
    @TempDir
    Path temp;

    @Test
    void theFirstCloneOfAProcessDoesNotWaitForJGitToTimeTheFileSystem() throws Exception {
        try (TestRepository repository = TestRepository.create(temp.resolve("repo.git"))) {
            String commit = repository.commit("main", List.of(text("a.txt", "a\n")));
            Path config = temp.resolve("xdg");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Duser.home=" + temp.resolve("home"), "-cp", System.getProperty("java.class.path"),
                    CloneOnce.class.getName(), temp.resolve("cache").toString(), temp.resolve("repo.git").toString(),
                    config.resolve("jgit/config").toString())
                    .redirectErrorStream(true).redirectOutput(temp.resolve("child.log").toFile());
            builder.environment().put("XDG_CONFIG_HOME", config.toString());
            Process child = builder.start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(temp.resolve("child.log"));

            assertThat(log).contains("opened " + commit)
                    .as("the clone went ahead before JGit's timing was saved")
                    .contains("timings cached when the clone ended: false")
                    .as("the timing, made in the background, is cached for the next process")
                    .contains("timings cached later: true");
        }
    }

    /** The child process: one clone, then whether JGit's user config holds the file-system timings. */
    static final class CloneOnce {
        public static void main(String[] args) throws Exception {
            JGitRepositorySource source = new JGitRepositorySource(
                    GitSourceSettings.defaults(Path.of(args[0])).withAllowLocalSources(true));
            Path timings = Path.of(args[2]);
            try (Snapshot snapshot = source.open(new Project(ProjectId.random(), "fresh", args[1], "main",
                    Instant.now()))) {
                System.out.println("opened " + snapshot.commit());
            }
            System.out.println("timings cached when the clone ended: " + cached(timings));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!cached(timings) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            System.out.println("timings cached later: " + cached(timings));
        }

        private static boolean cached(Path config) throws Exception {
            return Files.exists(config) && Files.readString(config).contains("timestampResolution");
        }
    }
}

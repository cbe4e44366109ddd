package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.Snapshot;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.reporag.git.TestRepository.Entry.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process without JGit's cached file-system timings (a fresh container, a read-only home) does
 * not wait for JGit to time the file system before its first clone (about 3 s here), and the timing,
 * made in the background, is still cached for the next process.
 *
 * <p>Whether the timing ends before or after a clone depends on the machine's file system (on a
 * CI host the timing took less than the clone's 370 ms), so what is asserted is JGit's own switch
 * for measuring in the background, as the child process sees it, not the order of the two.
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
                    .as("JGit measures in the background once the adapter is loaded")
                    .contains("background before the adapter: false")
                    .contains("background with the adapter: true")
                    .as("the timing, made in the background, is cached for the next process")
                    .contains("timings cached later: true");
        }
    }

    /** The child process: one clone, then whether JGit's user config holds the file-system timings. */
    static final class CloneOnce {
        public static void main(String[] args) throws Exception {
            System.out.println("background before the adapter: " + jgitMeasuresInTheBackground());
            JGitRepositorySource source = new JGitRepositorySource(
                    GitSourceSettings.defaults(Path.of(args[0])).withAllowLocalSources(true));
            Path timings = Path.of(args[2]);
            try (Snapshot snapshot = source.open(new Project(ProjectId.random(), "fresh", args[1], "main",
                    Instant.now()))) {
                System.out.println("opened " + snapshot.commit());
            }
            System.out.println("background with the adapter: " + jgitMeasuresInTheBackground());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!cached(timings) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            System.out.println("timings cached later: " + cached(timings));
        }

        /** JGit's process-wide switch; it has no getter, so it is read as JGit keeps it. */
        private static boolean jgitMeasuresInTheBackground() throws Exception {
            Field background = FS.FileStoreAttributes.class.getDeclaredField("background");
            background.setAccessible(true);
            return ((AtomicBoolean) background.get(null)).get();
        }

        private static boolean cached(Path config) throws Exception {
            return Files.exists(config) && Files.readString(config).contains("timestampResolution");
        }
    }
}

package dev.reporag.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./rag}'s class-data archive with the real java, git and shipped jar: made once per build
 * by its training run, then used, and never in the way of a command or its output.
 */
class LauncherClassDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREPARING = "preparing faster starts";

    @TempDir
    Path dir;

    private Path launcher;
    private Path jar;
    private Path archive;

    private record Result(int exit, String out, String err) {
    }

    /** The launcher in a root of its own, beside a copy of the jar it runs (a copy: its time is changed). */
    @BeforeEach
    void copyTheLauncherAndTheJar() throws IOException {
        Path built = Repo.root().resolve("rag-cli/target/rag.jar");
        assertThat(built).as("rag-cli's jar, built by the package phase before this module's tests").isRegularFile();
        launcher = dir.resolve("rag");
        Files.writeString(launcher, Repo.read("rag"));
        jar = dir.resolve("rag-cli/target/rag.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(built, jar);
        archive = dir.resolve("rag-cli/target/rag.jsa");
    }

    private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_OPTS");
        environment.remove("RAG_CDS");
        environment.put("RAG_HOME", dir.resolve("home").toString());
        environment.putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    /** {@code status --json}, which must parse, with the class loading logged; the log's lines. */
    private List<String> statusLoggingClasses(Map<String, String> env, boolean expectTraining)
            throws IOException, InterruptedException {
        Path log = dir.resolve("classes-" + System.nanoTime() + ".log");
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        Result result = run(all, "status", "--json");
        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode status = JSON.readTree(result.out());
        assertThat(status.isObject() || status.isArray()).as("stdout is the JSON alone: %s", result.out()).isTrue();
        assertThat(result.err().contains(PREPARING)).as(result.err()).isEqualTo(expectTraining);
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private static boolean fromArchive(List<String> classLog, String className) {
        return classLog.stream().anyMatch(l -> l.contains(" " + className + " source: shared objects file (top)"));
    }

    @Test
    void theFirstRunMakesTheArchiveAndLaterRunsLoadTheirClassesFromIt() throws Exception {
        List<String> first = statusLoggingClasses(Map.of(), true);
        assertThat(archive).isRegularFile();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
        assertThat(fromArchive(first, "dev.reporag.cli.Main")).as("made before the first run's command").isTrue();

        List<String> second = statusLoggingClasses(Map.of(), false);
        assertThat(fromArchive(second, "dev.reporag.cli.Main")).isTrue();
        assertThat(fromArchive(second, "dev.reporag.core.RepoRag")).isTrue();
        assertThat(fromArchive(second, "com.fasterxml.jackson.databind.ObjectMapper")).as("--json").isTrue();

        List<String> off = statusLoggingClasses(Map.of("RAG_CDS", "off"), false);
        assertThat(fromArchive(off, "dev.reporag.cli.Main")).as("RAG_CDS=off").isFalse();
    }

    /** As a build leaves them: the jar newer than the archive, both in the past. */
    private void rebuild() throws IOException {
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(archive, FileTime.fromMillis(now - 20_000));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 10_000));
    }

    @Test
    void aNewBuildIsTrainedAgainAndAFailedTrainingWaitsForTheNextBuild() throws Exception {
        statusLoggingClasses(Map.of(), true);

        // The jar rebuilt: the archive no longer matches it, and is made again.
        rebuild();
        List<String> rebuilt = statusLoggingClasses(Map.of(), true);
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
        assertThat(fromArchive(rebuilt, "dev.reporag.cli.Main")).as("the new archive").isTrue();
        assertThat(fromArchive(statusLoggingClasses(Map.of(), false), "dev.reporag.cli.Main")).isTrue();

        // Rebuilt again, with a git that fails: the command runs without an archive, and the next run
        // does not try again.
        rebuild();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("git"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(bin.resolve("git"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> brokenGit = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        assertThat(fromArchive(statusLoggingClasses(brokenGit, true), "dev.reporag.cli.Main")).isFalse();
        assertThat(fromArchive(statusLoggingClasses(brokenGit, false), "dev.reporag.cli.Main")).isFalse();
        assertThat(dir.resolve("rag-cli/target/rag.jsa.failed")).isRegularFile();
        try (var left = Files.list(jar.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no temporary archive left").noneMatch(name -> name.endsWith(".tmp"));
        }
    }
}

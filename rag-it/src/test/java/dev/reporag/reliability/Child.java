package dev.reporag.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code rag} run as users run it: a child JVM of {@code dev.reporag.cli.Main}, output captured to a file. */
final class Child implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Child start(Path log, Map<String, String> env, String... args) {
        return start(List.of("-cp", System.getProperty("java.class.path"), "dev.reporag.cli.Main"), log, env, args);
    }

    /**
     * The jar users run — {@code ./rag}, the Docker image — built by rag-cli's package phase, which
     * the build runs before these tests: what the test class path has and the jar lacks shows here.
     */
    static Child startShippedJar(Path log, Map<String, String> env, String... args) {
        Path jar = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent()
                .resolve("rag-cli/target/rag.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B verify builds it before rag-it)");
        }
        return start(List.of("-jar", jar.toString()), log, env, args);
    }

    private static Child start(List<String> what, Path log, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        command.addAll(what);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only what the test says: no OPENAI_API_KEY or DATABASE_URL leaks in from the machine.
        builder.environment().keySet().removeIf(k -> k.startsWith("RAG_") || k.startsWith("OPENAI_")
                || k.startsWith("GROQ_") || k.equals("DATABASE_URL") || k.equals("PORT"));
        builder.environment().put("XDG_CONFIG_HOME", log.getParent().resolve("xdg").toString());
        builder.environment().putAll(env);
        try {
            return new Child(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end (at most {@code seconds}) and returns the exit code. */
    static int run(Path log, int seconds, Map<String, String> env, String... args) throws InterruptedException {
        try (Child child = start(log, env, args)) {
            return child.waitFor(seconds);
        }
    }

    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("rag did not end within " + seconds + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is given back. */
    void kill() throws InterruptedException {
        signal("KILL");
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void signal(String name) throws InterruptedException {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

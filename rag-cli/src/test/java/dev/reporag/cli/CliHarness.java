package dev.reporag.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.util.Map;

/**
 * The CLI as other test packages see it (the docs check): its picocli model, to parse command
 * lines without running them, and an in-process run with captured output.
 */
public final class CliHarness {
    private CliHarness() {
    }

    /** The real command tree, configured as {@link Main} configures it; nothing runs until executed. */
    public static CommandLine model() {
        CommandLine commandLine = new CommandLine(new RagCommand(Map.of(), InputStream.nullInputStream(), false));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    /** Runs one command line as {@code rag} would, with this environment and standard input. */
    public static Result run(Map<String, String> env, String stdin, String... args) {
        CliRun run = CliRun.run(env, stdin, args);
        return new Result(run.exitCode(), run.out(), run.err());
    }

    /** Exit code and captured standard output and error of one run. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}

package dev.reporag.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The {@code rag} executable. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        exitOnOutOfMemory();
        Logs.bridgeJavaUtilLogging();
        System.setErr(Wiring.consoleErrors(System.err)); // before any PrintWriter wraps it
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), System.in, out, err, System.console() != null);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * An {@link OutOfMemoryError} that reaches the top of any thread ends the process, so that a
     * supervisor restarts it instead of it limping on (the launcher and the image also pass
     * {@code -XX:+ExitOnOutOfMemoryError}, which catches the ones code swallows). Any other error is
     * logged, with the thread it ended.
     */
    static void exitOnOutOfMemory() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (error instanceof OutOfMemoryError) {
                System.err.println("rag: out of memory in thread " + thread.getName() + "; stopping");
                Runtime.getRuntime().halt(ExitCodes.OUT_OF_MEMORY);
            } else if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                // Not the thread group: without a parent it hands the error to the default handler,
                // this one, and every uncaught error became a StackOverflowError.
                org.slf4j.LoggerFactory.getLogger(Main.class).error("an unexpected error ended thread {}",
                        thread.getName(), error);
            }
        });
    }

    /** Runs one command line; tests call this in-process with their own streams and environment. */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err,
                   boolean terminal) {
        CommandLine commandLine = new CommandLine(new RagCommand(env, in, terminal));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine.execute(args);
    }
}

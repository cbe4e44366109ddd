package dev.reporag.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rag", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Turns a Git repository into embeddings in the background and answers questions about it,"
                + " with citations.", "",
                "Configuration comes from the environment (see docs/configuration.md); flags override it."},
        subcommands = {IngestCommand.class, AddCommand.class, ProcessCommand.class, StatusCommand.class,
                AskCommand.class, ChatCommand.class, EvalCommand.class, ServeCommand.class, WorkerCommand.class,
                MigrateCommand.class, ReembedCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a job FAILED, or the operation could not be done",
                "2:usage error (bad arguments, unknown project)",
                "3:configuration error (bad variable, database unreachable)",
                "130:stopped with Ctrl-C; the next run resumes"})
final class RagCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final InputStream in;
    private final boolean terminal;

    @Spec
    CommandSpec spec;

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data directory of the embedded store and the clone cache (RAG_HOME; default ~/.repo-rag).")
    Path home;

    @Option(names = "--database-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "PostgreSQL with pgvector instead of the embedded store (DATABASE_URL).")
    String databaseUrl;

    RagCommand(Map<String, String> env, InputStream in, boolean terminal) {
        this.env = env;
        this.in = in;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The environment's configuration with the global flags applied. */
    Config config() {
        return Config.fromEnvironment(env).withHome(home).withDatabaseUrl(databaseUrl);
    }

    Map<String, String> environment() {
        return env;
    }

    InputStream in() {
        return in;
    }

    boolean terminal() {
        return terminal;
    }
}

package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Registers (or finds) a repository and indexes it now, in the foreground, with a progress bar."
                + " Ctrl-C stops cleanly; running it again resumes.")
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REPO", description = "A repository URL, or a path on this machine.")
    String repo;
    @Option(names = "--name", description = "Project name (default: from the URL or directory).")
    String name;
    @Option(names = "--ref", description = "Branch, tag or commit (default: the default branch).")
    String ref;
    @Option(names = "--batch-size", paramLabel = "N", description = "Texts per embedding request (RAG_BATCH_SIZE).")
    Integer batchSize;
    @Option(names = "--delay", paramLabel = "SECONDS", description = "Least time between two requests (RAG_DELAY).")
    Double delay;
    @Option(names = "--json", description = "Print the project's status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String source = Foreground.normalize(repo);
        Config config = root.config().withBatchSize(batchSize).withDelay(delay);
        if (Foreground.isLocal(source)) {
            config = config.withAllowLocalSources(true);
        }
        try (Wiring wiring = Wiring.open(config)) {
            Project project = Foreground.findOrRegister(wiring.rag(), source, name, ref);
            var err = spec.commandLine().getErr();
            var out = spec.commandLine().getOut();
            IngestionJob job = Foreground.run(wiring.rag(), project,
                    new ProgressPrinter(project.name(), err, root.terminal()), out);
            if (job.status().isActive()) {
                return Foreground.exitCode(job);
            }
            if (json) {
                out.println(Json.write(Json.project(wiring.rag().status(project.id()))));
            } else {
                Foreground.summarize(out, project, job);
            }
            return Foreground.exitCode(job);
        }
    }
}

package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
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

    @Mixin
    RepoOptions target;
    @Mixin
    BatchOptions batch;
    @Option(names = "--json", description = "Print the project's status as JSON.")
    boolean json;
    @Option(names = "--max-tokens", paramLabel = "N", description = "Stop the job cleanly (FAILED, what was embedded"
            + " kept) rather than embed more than N tokens (RAG_MAX_TOKENS_PER_JOB); see rag estimate.")
    Long maxTokens;

    @Override
    public Integer call() throws Exception {
        String source = target.source();
        try (Wiring wiring = Wiring.open(RepoOptions.allowingLocal(batch.apply(root.config()).withMaxTokensPerJob(maxTokens), source))) {
            Project project = Foreground.findOrRegister(wiring.rag(), source, target.name, target.ref);
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

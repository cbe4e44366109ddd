package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Estimate;
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

    /** No project of this source and ref yet, or one that no job has started: nothing is stored for it. */
    private static boolean neverIndexed(RepoRag rag, String source, String ref) {
        return rag.registered(source, ref).map(p -> rag.status(p.id()).job().isEmpty()).orElse(true);
    }

    @Override
    public Integer call() throws Exception {
        String source = target.repo;
        Config config = RepoOptions.allowingLocal(batch.apply(root.config()).withMaxTokensPerJob(maxTokens), source);
        try (Wiring wiring = Wiring.open(config)) {
            var err = spec.commandLine().getErr();
            var out = spec.commandLine().getOut();
            if (config.maxTokensPerJob() != null && neverIndexed(wiring.rag(), source, target.ref)) {
                // A first ingestion over the budget is refused before anything is registered or sent.
                Estimate estimate = wiring.rag().estimate(source, target.ref, target.paths.include,
                        target.paths.exclude, false);
                if (estimate.tokens() > config.maxTokensPerJob()) {
                    out.printf(java.util.Locale.ROOT, "not started: indexing %s needs about %,d tokens (%,d chunks; %s),"
                                    + " over the budget of %,d (--max-tokens or RAG_MAX_TOKENS_PER_JOB); raise it, or see"
                                    + " rag estimate%n", RepoRag.storedForm(source), estimate.tokens(),
                            estimate.chunks(), dev.reporag.http.JsonShapes.money(estimate), config.maxTokensPerJob());
                    return ExitCodes.FAILED;
                }
            }
            Project project = target.registerOrFind(wiring.rag());
            IngestionJob job = TerminalIngestion.run(wiring.rag(), project,
                    new ProgressPrinter(TerminalText.line(project.name()), err, root.terminal()), out);
            if (job.status().isActive()) {
                return TerminalIngestion.exitCode(job);
            }
            if (json) {
                out.println(Json.write(Json.project(wiring.rag().status(project.id()))));
            } else {
                TerminalIngestion.summarize(out, project, job);
            }
            return TerminalIngestion.exitCode(job);
        }
    }
}

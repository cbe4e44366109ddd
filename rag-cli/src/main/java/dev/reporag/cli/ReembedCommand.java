package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.port.RagException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "reembed", mixinStandardHelpOptions = true,
        description = {"After a change of embedding model (RAG_EMBEDDING_MODEL, its dimensions, or the in-process"
                + " model): embeds projects again with the configured model, here, in the foreground.",
                "The new vectors are built beside the old ones (reusing any already stored for this model) while"
                        + " the old index keeps answering where the old model is configured; each project switches"
                        + " in one step when its vectors are complete. A failure leaves the old index as it was.",
                "Without options: every project indexed with another model. Exit code 1 if any FAILED."})
final class ReembedCommand implements Callable<Integer> {
    /** Rounds per project when a worker still on the old model takes the job first. */
    private static final int ROUNDS = 3;

    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Target target;
    @Mixin
    BatchOptions batch;

    static final class Target {
        @Option(names = "--project-id", paramLabel = "ID|NAME", description = "Only this project.")
        String projectId;
        @Option(names = "--all", description = "Every project indexed with another model (the default).")
        boolean all;
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        try (Wiring wiring = Wiring.open(batch.apply(root.config()).forStoredProjects())) {
            RepoRag rag = wiring.rag();
            List<RepoRag.Reembedding> todo;
            if (target != null && target.projectId != null) {
                Project project = rag.findProject(target.projectId).orElseThrow(
                        () -> new NotFoundException("no project with id or name '" + target.projectId + "'"));
                todo = List.of(rag.reembed(project.id()));
            } else {
                todo = rag.reembedAll();
                if (todo.isEmpty()) {
                    out.println("nothing to re-embed: every indexed project answers with the configured model");
                    return ExitCodes.OK;
                }
            }
            int failed = 0;
            int done = 0;
            for (RepoRag.Reembedding reembedding : todo) {
                Project project = reembedding.project();
                out.println(reembedding.note());
                out.flush();
                if (reembedding.job() == null) {
                    continue;
                }
                try {
                    IngestionJob job = run(rag, project);
                    TerminalIngestion.summarize(out, project, job);
                    if (job.status() == JobStatus.FAILED) {
                        failed++;
                    } else if (job.status() == JobStatus.READY) {
                        done++;
                    } else {
                        out.printf("stopped; the next `rag reembed` resumes from the vectors built so far%n");
                        return ExitCodes.INTERRUPTED;
                    }
                } catch (RagException e) {
                    out.printf("%s FAILED: %s%n", project.name(), e.getMessage());
                    failed++;
                }
                out.flush();
            }
            out.printf("re-embedded %d project(s) with %s; %d FAILED%n", done, wiring.embeddingModel(), failed);
            return failed > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /**
     * Runs the project's re-embedding job here. A worker still on the old model may take the job
     * first and only refresh the old index: then the re-embedding is requested again.
     */
    private IngestionJob run(RepoRag rag, Project project) throws InterruptedException {
        IngestionJob job = null;
        for (int round = 1; round <= ROUNDS; round++) {
            job = TerminalIngestion.run(rag, project, new ProgressPrinter(project.name(), spec.commandLine().getErr(),
                    root.terminal()), spec.commandLine().getOut());
            if (job.status() != JobStatus.READY || rag.status(project.id()).modelSwitch().isEmpty()) {
                return job;
            }
            rag.reembed(project.id());
        }
        throw new RagException("project '" + project.name() + "' was taken " + ROUNDS + " times by a worker still"
                + " configured with the old model; stop those workers (or give them the new model), then run"
                + " `rag reembed` again");
    }
}

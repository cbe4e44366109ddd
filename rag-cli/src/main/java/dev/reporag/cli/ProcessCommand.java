package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.foreground.ForegroundIngestion;
import dev.reporag.core.foreground.ForegroundIngestion.Selection;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.port.RagException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "process", mixinStandardHelpOptions = true,
        description = {"Processes every PENDING project in the foreground, or the one named by --project-id;"
                + " --retry-failed retries FAILED ones too.",
                "It goes on past a failing project and reports each outcome; exit code 1 if any FAILED."})
final class ProcessCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--project-id", paramLabel = "ID|NAME", description = "Only this project (whatever its status).")
    String projectId;
    @Option(names = "--all-pending", description = "Every project that is PENDING (the default when no other option"
            + " names what to process).")
    boolean allPending;
    @Option(names = "--retry-failed", description = "Every project that is FAILED (add --all-pending for the PENDING"
            + " ones as well).")
    boolean retryFailed;
    @Mixin
    BatchOptions batch;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        Selection selection = Selection.of(projectId, allPending, retryFailed);
        if (selection.defaulted()) {
            out.println("processing every PENDING project (--project-id picks one project, --retry-failed the FAILED ones)");
        }
        try (Wiring wiring = Wiring.open(batch.apply(root.config()).forStoredProjects())) {
            RepoRag rag = wiring.rag();
            rag.runStarted();
            List<ProjectStatus> targets = new ForegroundIngestion(rag).select(selection);
            if (targets.isEmpty()) {
                out.println("nothing to process: no project is " + (selection.pending() && selection.failed()
                        ? "PENDING or FAILED" : selection.pending() ? "PENDING" : "FAILED"));
                return ExitCodes.OK;
            }
            int failed = 0;
            int ready = 0;
            for (ProjectStatus target : targets) {
                Project project = target.project();
                try {
                    IngestionJob job = TerminalIngestion.process(rag, target,
                            new ProgressPrinter(TerminalText.line(project.name()), spec.commandLine().getErr(), root.terminal()), out);
                    if (!job.status().isActive()) {
                        TerminalIngestion.summarize(out, project, job);
                    }
                    if (job.status() == JobStatus.FAILED) {
                        failed++;
                    } else if (job.status() == JobStatus.READY) {
                        ready++;
                    } else {
                        out.printf("stopped; %d READY, %d FAILED so far%n", ready, failed);
                        return ExitCodes.INTERRUPTED;
                    }
                } catch (RagException e) {
                    out.printf("%s FAILED: %s%n", TerminalText.line(project.name()), TerminalText.line(e.getMessage()));
                    failed++;
                }
                out.flush();
            }
            out.printf("processed %d project(s): %d READY, %d FAILED%n", targets.size(), ready, failed);
            return failed > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }
}

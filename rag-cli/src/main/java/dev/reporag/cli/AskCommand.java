package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.NotFoundException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Answers a question about a project, with citations (path:start-end).",
                "With --repo it first indexes the repository, or brings its index up to date: the main job in one"
                        + " command."})
final class AskCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    static final class Target {
        @Option(names = "--project", paramLabel = "NAME|ID", required = true, description = "An indexed project.")
        String project;
        @Option(names = "--repo", paramLabel = "URL|PATH", required = true,
                description = "A repository to index (or update) first.")
        String repo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "The question.")
    String[] question;
    @Option(names = "--json", description = "Print {answer, citations: [{number, path, startLine, endLine, commit,"
            + " url}], extractive, conversationId}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String source = target.repo;
        Config config = source == null ? root.config() : RepoOptions.allowingLocal(root.config(), source);
        try (Wiring wiring = Wiring.open(config)) {
            RepoRag rag = wiring.rag();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Project project;
            if (source != null) {
                project = RepoOptions.registerOrFind(rag, source, null, null);
                IngestionJob job = TerminalIngestion.run(rag, project, new ProgressPrinter(project.name(), err,
                        root.terminal()), err);
                if (job.status() == JobStatus.FAILED) {
                    TerminalIngestion.summarize(err, project, job);
                }
                if (job.status() != JobStatus.READY) {
                    return TerminalIngestion.exitCode(job);
                }
            } else {
                project = rag.findProject(target.project)
                        .orElseThrow(() -> new NotFoundException("no project with id or name '" + target.project
                                + "'; see `rag status`"));
            }
            Answer answer = rag.ask(project.id(), String.join(" ", question), null);
            if (answer.extractive() && !rag.hasChatModel()) {
                err.println("(no chat model: these are the best passages; set GROQ_API_KEY or OPENAI_API_KEY for a"
                        + " written answer)");
            }
            if (json) {
                out.println(Json.write(Json.answer(answer)));
            } else {
                print(out, answer);
            }
            return ExitCodes.OK;
        }
    }

    static void print(PrintWriter out, Answer answer) {
        out.println(TerminalText.lines(answer.text().stripTrailing()));
        if (!answer.citations().isEmpty() && !answer.extractive()) {
            out.println();
            out.println("Sources:");
            for (Citation c : answer.citations()) {
                out.println("  [" + c.number() + "] " + TerminalText.line(c.label())
                        + (c.url() == null ? "" : "  " + TerminalText.line(c.url())));
            }
        }
        out.flush();
    }
}

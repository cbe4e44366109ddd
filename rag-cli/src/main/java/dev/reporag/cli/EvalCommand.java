package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.eval.EvalReport;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measures how well repo-rag answers on a project: questions made from its own history"
                + " (commit subjects, answered by the files each commit changed, asked of the tree before it) and"
                + " doc comments (first sentences, answered by their file, with the comment left out), asked of a"
                + " scratch index; prints recall@1, recall@5 and MRR, overall and by kind.",
                "The project must be READY. It takes about as long as an ingestion and embeds about as much."})
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--project", paramLabel = "NAME|ID", required = true, description = "A READY project.")
    String project;
    @Option(names = "--questions", paramLabel = "N", defaultValue = "40",
            description = "How many questions to make, about half of each kind (default ${DEFAULT-VALUE}).")
    int questions;
    @Option(names = "--json", description = "Print {questions, recall1, recall5, mrr, byKind: {kind: {questions,"
            + " recall1, recall5, mrr}}, commit, notes}.")
    boolean json;
    @Option(names = {"-v", "--verbose"}, description = "Also show every question: its kind, where it comes from (a"
            + " commit, or a file and line), the files that answer it, the rank of the first one found (- when"
            + " not in the first " + EvalReport.DEPTH + ") and the first three files ranked; with --json, as \"results\".")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        try (Wiring wiring = Wiring.open(root.config().forStoredProjects())) {
            RepoRag rag = wiring.rag();
            Project target = rag.findProject(project)
                    .orElseThrow(() -> new NotFoundException("no project with id or name '" + project
                            + "'; see `rag status`"));
            PrintWriter err = spec.commandLine().getErr();
            EvalReport report = rag.evaluate(target.id(), questions, line -> {
                err.println(line);
                err.flush();
            });
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(Json.evaluation(report, verbose)));
            } else {
                print(out, target, report);
                if (verbose) {
                    printResults(out, report);
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static void print(PrintWriter out, Project project, EvalReport report) {
        out.printf(Locale.ROOT, "%s at %s: %d questions%n", project.name(),
                report.commit().substring(0, Math.min(12, report.commit().length())), report.overall().questions());
        out.printf(Locale.ROOT, "%-10s %9s %9s %9s %7s%n", "kind", "questions", "recall@1", "recall@5", "MRR");
        for (Map.Entry<String, EvalReport.Score> kind : report.byKind().entrySet()) {
            row(out, kind.getKey(), kind.getValue());
        }
        row(out, "all", report.overall());
        report.notes().forEach(note -> out.println("note: " + note));
    }

    /** Every question, the worst found first (not found, then rank 10 down to 1): what to look at comes on top. */
    private static void printResults(PrintWriter out, EvalReport report) {
        out.println();
        report.results().stream()
                .sorted(Comparator.comparingInt((EvalReport.Result r) -> r.rank() == 0 ? Integer.MAX_VALUE : r.rank())
                        .reversed())
                .forEach(r -> {
                    out.printf(Locale.ROOT, "%-7s %-3s %s%n", r.question().kind(), r.rank() == 0 ? "-" : "#" + r.rank(),
                            TerminalText.line(r.question().text()));
                    out.printf(Locale.ROOT, "        from %s; answered by %s%n",
                            TerminalText.line(r.question().origin()),
                            TerminalText.line(String.join(", ", new TreeSet<>(r.question().expected()))));
                    out.printf(Locale.ROOT, "        ranked %s%n",
                            TerminalText.line(String.join(", ", r.top().subList(0, Math.min(3, r.top().size())))));
                });
    }

    private static void row(PrintWriter out, String label, EvalReport.Score score) {
        out.printf(Locale.ROOT, "%-10s %9d %9.3f %9.3f %7.3f%n", label, score.questions(), score.recall1(),
                score.recall5(), score.mrr());
    }
}

package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Estimate;
import dev.reporag.core.model.SkipReason;
import dev.reporag.http.JsonShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"What indexing a repository would take, before spending anything: files kept and left out,"
                + " chunks, tokens as the provider counts them, the cost for the configured model and the time"
                + " under the configured rate limits.",
                "The repository is fetched and read as a job reads it; nothing is sent to an embedding API (an"
                        + " in-process model embeds a small sample, to measure its speed)."})
final class EstimateCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REPO", description = "A repository URL, or a path on this machine.")
    String repo;
    @Option(names = "--ref", description = "Branch, tag or commit (default: the default branch).")
    String ref;
    @Option(names = "--json", description = "The estimate as GET /api/projects/{id}/estimate shows it.")
    boolean json;
    @Mixin
    PathOptions paths;

    @Override
    public Integer call() {
        try (Wiring wiring = Wiring.open(RepoOptions.allowingLocal(root.config(), repo))) {
            Estimate estimate = wiring.rag().estimate(repo, ref, paths.include, paths.exclude, true);
            String source = RepoRag.storedForm(repo);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(JsonShapes.estimate(estimate)));
            } else {
                print(out, source, estimate);
            }
            return ExitCodes.OK;
        }
    }

    static void print(PrintWriter out, String source, Estimate e) {
        out.printf(Locale.ROOT, "%s at %s%n", source, TerminalIngestion.shortCommit(e.commit()));
        out.printf(Locale.ROOT, "files:    %,d to index (%s), %,d left out%n", e.filesKept(), StatusCommand.bytes(e.bytes()),
                e.filesSkipped());
        e.skippedByReason().entrySet().stream()
                .sorted(Map.Entry.<SkipReason, Integer>comparingByValue().reversed())
                .forEach(r -> out.printf(Locale.ROOT, "%10d  %s%n", r.getValue(), r.getKey().description()));
        out.printf(Locale.ROOT, "chunks:   %,d in %,d request(s)%n", e.chunks(), e.requests());
        if (e.inProcess()) {
            out.printf(Locale.ROOT, "tokens:   %,d as %s reads them (its own tokenizer)%n", e.tokens(), e.modelId());
        } else {
            out.printf(Locale.ROOT, "tokens:   %,d as %s bills them (%,d as its rate limiter counts them)%n",
                    e.tokens(), e.modelId(), e.rateLimitTokens());
        }
        out.println("cost:     " + JsonShapes.money(e));
        out.println("time:     " + e.time().map(s -> "about " + ProgressPrinter.minutesSeconds(java.time.Duration.ofSeconds(s)))
                .orElse("unknown") + " (" + e.timeBasis() + ")");
        e.notes().forEach(n -> out.println("note:     " + n));
    }
}

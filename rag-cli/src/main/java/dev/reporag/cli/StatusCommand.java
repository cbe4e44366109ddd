package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.http.JsonShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows projects: status, progress, counts, commit, and what a FAILED project failed on or a"
                + " PENDING one waits for, with a summary line.",
                "With --skipped, the files the project's last complete job left out, and why."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--project-id", paramLabel = "ID|NAME", description = "Only this project.")
    String projectId;
    @Option(names = "--failed", description = "Only FAILED projects.")
    boolean failed;
    @Option(names = "--json", description = "JSON, with the fields of the HTTP API: a list of projects as"
            + " GET /api/projects shows them; with --skipped, the skipped files as GET /api/projects/{id}/skipped"
            + " does (all of them).")
    boolean json;
    @Option(names = "--skipped", description = "The files left out of the index, with the rule that left each"
            + " out and its size; needs --project-id.")
    boolean skipped;

    @Override
    public Integer call() {
        if (skipped && projectId == null) {
            throw new ParameterException(spec.commandLine(), "--skipped needs --project-id: the files of one project");
        }
        try (Wiring wiring = Wiring.openSendingNothing(root.config())) {
            PrintWriter out = spec.commandLine().getOut();
            List<ProjectStatus> statuses;
            if (projectId != null) {
                Project project = wiring.rag().findProject(projectId)
                        .orElseThrow(() -> new NotFoundException("no project with id or name '" + projectId + "'"));
                if (skipped) {
                    printSkipped(out, project, wiring.rag().skippedFiles(project.id()));
                    return ExitCodes.OK;
                }
                statuses = List.of(wiring.rag().status(project.id()));
            } else {
                statuses = wiring.rag().statuses();
            }
            if (failed) {
                statuses = statuses.stream().filter(s -> s.status() == JobStatus.FAILED).toList();
            }
            if (json) {
                out.println(Json.write(statuses.stream().map(Json::project).toList()));
            } else {
                printTable(out, statuses);
                out.println(summary(statuses));
            }
            return ExitCodes.OK;
        }
    }

    private void printSkipped(PrintWriter out, Project project, SkippedFiles files) {
        if (json) {
            out.println(Json.write(JsonShapes.skipped(project.id(), files, Optional.empty(), 0, files.total())));
            return;
        }
        if (files.jobId().isEmpty()) {
            out.println(TerminalText.line(project.name()) + ": no job has read the repository yet, so nothing was left out");
            return;
        }
        out.printf("%s: %d file(s) left out at commit %s%n", TerminalText.line(project.name()), files.total(),
                TerminalIngestion.shortCommit(files.commit().orElse(null)));
        files.counts().entrySet().stream()
                .sorted(Map.Entry.<SkipReason, Integer>comparingByValue().reversed())
                .forEach(e -> out.printf("%8d  %s (%s)%n", e.getValue(), e.getKey().description(), e.getKey().name()));
        if (files.total() == 0) {
            return;
        }
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"SIZE", "RULE", "PATH"});
        files.forEach(f -> rows.add(new String[]{bytes(f.size()), f.reason().name(), f.path()}));
        printColumns(out, rows);
    }

    /** "812 B", "48.0 KB", "1.2 MB". */
    static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        return size < 1024 * 1024 ? String.format("%.1f KB", size / 1024.0)
                : String.format("%.1f MB", size / (1024.0 * 1024));
    }

    /**
     * Whether the remote has moved on from the index ("index at abc1234, ref at def5678"), then the
     * error, else what a model switch needs ("re-embedding for model ...: 40 %"), else what a PENDING
     * project waits for; then the project's own file rules ("also docs/**; not examples/**").
     */
    static String note(ProjectStatus s) {
        String note = s.error().map(e -> s.modelSwitch().map(m -> e + " — " + m).orElse(e)).or(s::modelSwitch)
                .or(s::waitingFor).map(StatusCommand::oneLine).orElse("");
        String fresh = s.freshness().orElse("");
        List<String> parts = new ArrayList<>();
        for (String part : List.of(fresh, note, rules(s.project().paths()))) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("; ", parts);
    }

    private static String rules(PathRules paths) {
        String include = paths.include().isEmpty() ? "" : "also " + String.join(", ", paths.include());
        String exclude = paths.exclude().isEmpty() ? "" : "not " + String.join(", ", paths.exclude());
        return oneLine(include.isEmpty() || exclude.isEmpty() ? include + exclude : include + "; " + exclude);
    }

    static void printTable(PrintWriter out, List<ProjectStatus> statuses) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"NAME", "STATUS", "PROGRESS", "ETA", "FILES", "CHUNKS", "SKIPPED", "INDEXED", "COMMIT",
                "ID", "NOTE"});
        for (ProjectStatus s : statuses) {
            rows.add(new String[]{s.project().name(), s.status().name(), s.progress().percent() + "%",
                    s.eta().map(ProgressPrinter::minutesSeconds).orElse("-"),
                    String.valueOf(s.progress().filesDone()), String.valueOf(s.progress().chunksTotal()),
                    String.valueOf(s.progress().filesSkipped()),
                    s.lastReady() == null ? "-" : String.valueOf(s.lastReady().progress().chunksDone()),
                    TerminalIngestion.shortCommit(s.job().map(IngestionJob::commit).orElse(null)),
                    s.project().id().value(), note(s)});
        }
        printColumns(out, rows);
    }

    /** Left-aligned columns two spaces apart; the last one is not padded. */
    private static void printColumns(PrintWriter out, List<String[]> rows) {
        for (String[] row : rows) { // names, paths and errors come from users and repositories
            for (int i = 0; i < row.length; i++) {
                row[i] = TerminalText.line(row[i]);
            }
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }

    /** Counts by status, the success rate of finished projects and their median processing time. */
    static String summary(List<ProjectStatus> statuses) {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        List<Duration> times = new ArrayList<>();
        for (ProjectStatus s : statuses) {
            counts.merge(s.status(), 1, Integer::sum);
            s.job().filter(j -> j.status().isFinished() && j.startedAt() != null && j.finishedAt() != null)
                    .ifPresent(j -> times.add(Duration.between(j.startedAt(), j.finishedAt())));
        }
        int finished = counts.get(JobStatus.READY) + counts.get(JobStatus.FAILED);
        String rate = finished == 0 ? "-" : Math.round(100.0 * counts.get(JobStatus.READY) / finished) + "%";
        String median = "-";
        if (!times.isEmpty()) {
            times.sort(null);
            int n = times.size();
            long millis = n % 2 == 1 ? times.get(n / 2).toMillis()
                    : (times.get(n / 2 - 1).toMillis() + times.get(n / 2).toMillis()) / 2;
            median = String.format("%.1f s", millis / 1000.0);
        }
        return String.format("%d project(s): %d READY, %d PROCESSING, %d PENDING, %d FAILED; success rate %s;"
                        + " median processing time %s", statuses.size(), counts.get(JobStatus.READY),
                counts.get(JobStatus.PROCESSING), counts.get(JobStatus.PENDING), counts.get(JobStatus.FAILED),
                rate, median);
    }
}

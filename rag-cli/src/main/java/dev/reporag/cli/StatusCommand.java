package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.port.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows projects: status, progress, counts, commit and error, with a summary line.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--project-id", paramLabel = "ID|NAME", description = "Only this project.")
    String projectId;
    @Option(names = "--failed", description = "Only FAILED projects.")
    boolean failed;
    @Option(names = "--json", description = "A JSON list of {id, name, source, ref, status, progress, etaSeconds,"
            + " files, chunks, skipped, commit, error}.")
    boolean json;

    @Override
    public Integer call() {
        try (Wiring wiring = Wiring.open(root.config())) {
            List<ProjectStatus> statuses;
            if (projectId != null) {
                Project project = wiring.rag().findProject(projectId)
                        .orElseThrow(() -> new NotFoundException("no project with id or name '" + projectId + "'"));
                statuses = List.of(wiring.rag().status(project.id()));
            } else {
                statuses = wiring.rag().statuses();
            }
            if (failed) {
                statuses = statuses.stream().filter(s -> s.status() == JobStatus.FAILED).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(statuses.stream().map(Json::project).toList()));
            } else {
                printTable(out, statuses);
                out.println(summary(statuses));
            }
            return ExitCodes.OK;
        }
    }

    static void printTable(PrintWriter out, List<ProjectStatus> statuses) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"NAME", "STATUS", "PROGRESS", "ETA", "FILES", "CHUNKS", "SKIPPED", "COMMIT", "ID",
                "ERROR"});
        for (ProjectStatus s : statuses) {
            rows.add(new String[]{s.project().name(), s.status().name(), s.progress().percent() + "%",
                    s.eta().map(ProgressPrinter::minutesSeconds).orElse("-"),
                    String.valueOf(s.progress().filesDone()), String.valueOf(s.progress().chunksTotal()),
                    String.valueOf(s.progress().filesSkipped()),
                    Foreground.shortCommit(s.job().map(IngestionJob::commit).orElse(null)),
                    s.project().id().value(), s.error().map(StatusCommand::oneLine).orElse("")});
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

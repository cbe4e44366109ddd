package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.sync.Refresh;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Looks at each READY project's ref on its remote (an ls-remote: nothing is downloaded) and"
                + " queues a re-index of the projects whose ref moved; the others cost nothing more.",
                "The queued jobs run on the workers (rag serve, rag worker) or with rag process."
                        + " Exit code 1 if a remote could not be read."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--all", description = "Every READY project (the default).")
    boolean all;
    @Option(names = "--project-id", paramLabel = "ID|NAME", description = "Only this project.")
    String projectId;
    @Option(names = "--json", description = "One object per project: name, projectId, outcome, indexedCommit,"
            + " remoteCommit, jobId, detail.")
    boolean json;

    @Override
    public Integer call() {
        if (all && projectId != null) {
            throw new ParameterException(spec.commandLine(), "--all and --project-id exclude each other");
        }
        try (Wiring wiring = Wiring.openSendingNothing(root.config().forStoredProjects())) {
            RepoRag rag = wiring.rag();
            List<Refresh> done;
            if (projectId != null) {
                Project project = rag.findProject(projectId)
                        .orElseThrow(() -> new NotFoundException("no project with id or name '" + projectId + "'"));
                done = List.of(rag.sync(project.id()));
            } else {
                done = rag.sync();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(done.stream().map(SyncCommand::json).toList()));
            } else {
                done.forEach(r -> out.println(r.describe()));
                out.println(summary(done));
            }
            return done.stream().anyMatch(r -> r.outcome() == Refresh.Outcome.ERROR) ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /**
     * With RAG_SYNC_INTERVAL set, runs a sync now and then at that interval in this long-running
     * process ({@code serve}, {@code worker}), logging what each did; null without it.
     */
    static AutoCloseable schedule(RepoRag rag, Config config) {
        if (config.syncInterval() == null) {
            return null;
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SyncCommand.class);
        log.info("syncing READY projects with their remotes every {} s (RAG_SYNC_INTERVAL)",
                config.syncInterval().toSeconds());
        return rag.startSync(config.syncInterval(), done -> {
            for (Refresh r : done) {
                if (r.outcome() == Refresh.Outcome.ERROR) {
                    log.warn("sync: {}", r.describe());
                } else if (r.outcome() == Refresh.Outcome.QUEUED) {
                    log.info("sync: {}", r.describe());
                }
            }
            log.debug("sync: {}", summary(done));
        });
    }

    static String summary(List<Refresh> done) {
        if (done.isEmpty()) {
            return "no project to sync";
        }
        long queued = done.stream().filter(Refresh::queued).count();
        long current = done.stream().filter(r -> r.outcome() == Refresh.Outcome.UP_TO_DATE
                || r.outcome() == Refresh.Outcome.PINNED).count();
        long skipped = done.stream().filter(r -> r.outcome() == Refresh.Outcome.SKIPPED).count();
        long errors = done.stream().filter(r -> r.outcome() == Refresh.Outcome.ERROR).count();
        List<String> parts = new ArrayList<>();
        parts.add(queued + " to re-index");
        parts.add(current + " up to date");
        if (skipped > 0) {
            parts.add(skipped + " not READY");
        }
        if (errors > 0) {
            parts.add(errors + " could not be read");
        }
        return "synced " + done.size() + " project(s): " + String.join(", ", parts)
                + (queued > 0 ? " (the workers, or rag process, run the re-index)" : "");
    }

    static Map<String, Object> json(Refresh r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", r.project().name());
        json.put("projectId", r.project().id().value());
        json.put("outcome", r.outcome().name());
        json.put("indexedCommit", r.indexed());
        json.put("remoteCommit", r.remote());
        json.put("jobId", r.job() == null ? null : r.job().value());
        json.put("detail", r.detail());
        return json;
    }
}

package dev.reporag.core.foreground;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.port.NotFoundException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Indexing in the calling thread, as a person at a terminal (or a cron job) asks for it, rather
 * than on a background worker: which projects to process, and running one to its end even when
 * another worker holds its job. The caller owns the {@link Cancellation} (the CLI cancels it on
 * Ctrl-C); a cancelled job is given back as PENDING and the next run resumes it.
 */
public final class ForegroundIngestion {
    /** How often the job of another worker is looked at while it is followed. */
    static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);

    private final RepoRag rag;
    private final Duration followInterval;

    public ForegroundIngestion(RepoRag rag) {
        this(rag, FOLLOW_INTERVAL);
    }

    ForegroundIngestion(RepoRag rag, Duration followInterval) {
        this.rag = Objects.requireNonNull(rag, "rag");
        this.followInterval = followInterval;
    }

    /**
     * Which projects a foreground run processes.
     *
     * @param project   a project id or name: this one, whatever its status; null for none
     * @param pending   every PENDING project
     * @param failed    every FAILED project (each is retried)
     * @param defaulted whether nothing was named, so {@link #of} chose the PENDING ones
     */
    public record Selection(String project, boolean pending, boolean failed, boolean defaulted) {
        /** When nothing is named, the queue as a worker would take it: every PENDING project. */
        public static Selection of(String project, boolean pending, boolean failed) {
            boolean nothingNamed = project == null && !pending && !failed;
            return new Selection(project, pending || nothingNamed, failed, nothingNamed);
        }
    }

    /**
     * The projects a selection names, the named project first and none twice, with their status
     * as they were when selected.
     *
     * @throws NotFoundException when the named project does not exist
     */
    public List<ProjectStatus> select(Selection selection) {
        List<ProjectStatus> targets = new ArrayList<>();
        if (selection.project() != null) {
            Project project = rag.findProject(selection.project())
                    .orElseThrow(() -> new NotFoundException("no project with id or name '" + selection.project() + "'"));
            targets.add(rag.status(project.id()));
        }
        for (ProjectStatus status : rag.statuses()) {
            boolean wanted = (selection.pending() && status.status() == JobStatus.PENDING)
                    || (selection.failed() && status.status() == JobStatus.FAILED);
            if (wanted && targets.stream().noneMatch(t -> t.project().id().equals(status.project().id()))) {
                targets.add(status);
            }
        }
        return targets;
    }

    /** Processes one selected project: a FAILED one is retried, then {@link #run} runs it. */
    public IngestionJob process(ProjectStatus target, IngestionListener listener, Cancellation cancellation)
            throws InterruptedException {
        if (target.status() == JobStatus.FAILED) {
            rag.retry(target.project().id());
        }
        return run(target.project().id(), listener, cancellation);
    }

    /**
     * Requests an ingestion of the project (or joins the one already requested) and runs it here
     * until it ends or {@code cancellation} is cancelled. When another worker holds the job (a
     * server or worker on the same database), its progress is followed and reported to
     * {@code listener}, and the job is taken over here when that worker dies and its lease runs
     * out.
     *
     * @return the job as it was last seen: READY or FAILED, or still active when cancelled
     */
    public IngestionJob run(ProjectId project, IngestionListener listener, Cancellation cancellation)
            throws InterruptedException {
        IngestionJob job = rag.requestIngestion(project);
        IngestionJob last = job;
        String worker = RepoRag.newWorkerId();
        while (!cancellation.isCancelled()) {
            Optional<IngestionJob> done = rag.process(job.id(), worker, cancellation, listener);
            if (done.isPresent()) {
                return done.get();
            }
            last = rag.job(job.id()).orElseThrow(() -> new NotFoundException("the job of project " + project
                    + " was deleted"));
            if (last.status().isFinished()) {
                return last;
            }
            listener.onProgress(last, last.progress());
            Thread.sleep(followInterval.toMillis());
        }
        return last;
    }
}

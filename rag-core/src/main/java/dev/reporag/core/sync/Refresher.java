package dev.reporag.core.sync;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.RemoteHead;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.sync.Refresh.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps READY projects fresh: compares the commit indexed with the one the ref points to on the
 * remote (read with an {@code ls-remote}, or given by a push a webhook announced), records what it
 * saw, and queues one re-index only when the remote moved. A job already queued absorbs it (it
 * resolves the ref when it starts, so a burst of pushes becomes one job for the newest commit); a
 * job already running at an older commit is followed by one more when it ends READY
 * ({@link #afterJob}).
 */
public final class Refresher {
    private static final Logger log = LoggerFactory.getLogger(Refresher.class);

    private final RepositorySource source;
    private final JobRepository jobs;
    private final Clock clock;
    private final Function<ProjectId, IngestionJob> enqueue;

    /** @param enqueue the process's way to enqueue a job (which also wakes its idle workers) */
    public Refresher(RepositorySource source, JobRepository jobs, Clock clock,
                     Function<ProjectId, IngestionJob> enqueue) {
        this.source = source;
        this.jobs = jobs;
        this.clock = clock;
        this.enqueue = enqueue;
    }

    /** Looks at every project's remote (the READY ones: others are {@link Outcome#SKIPPED}). */
    public List<Refresh> syncAll() {
        List<Refresh> done = new ArrayList<>();
        for (Project project : jobs.projects()) {
            done.add(refresh(project, null));
        }
        return done;
    }

    /**
     * Looks at one project's remote.
     *
     * @param knownHead the ref's new commit when a push announced it (no {@code ls-remote} then), or null
     */
    public Refresh refresh(Project project, String knownHead) {
        if (pinned(project.ref())) {
            return new Refresh(project, Outcome.PINNED, indexed(project), project.ref(), null, null);
        }
        Optional<IngestionJob> ready = jobs.latestReadyJob(project.id());
        Optional<IngestionJob> latest = jobs.latestJob(project.id());
        if (ready.isEmpty()) {
            return new Refresh(project, Outcome.SKIPPED, null, null, null,
                    "not indexed yet: nothing to refresh (request its ingestion)");
        }
        String indexed = ready.get().commit();
        if (latest.isPresent() && latest.get().status() == JobStatus.FAILED) {
            return new Refresh(project, Outcome.SKIPPED, indexed, null, null,
                    "its last job FAILED: retry it (rag process --retry-failed, or the retry button)");
        }
        String head;
        try {
            head = knownHead != null ? knownHead.strip().toLowerCase(Locale.ROOT)
                    : source.remoteHead(project.source(), project.ref());
        } catch (RagException e) {
            return new Refresh(project, Outcome.ERROR, indexed, null, null,
                    "could not read the remote: " + e.getMessage());
        }
        Instant now = clock.instant();
        jobs.saveRemoteHead(project.id(), new RemoteHead(head, now));
        IngestionJob active = latest.filter(j -> j.status().isActive()).orElse(null);
        if (active != null) {
            boolean absorbs = active.status() == JobStatus.PENDING || active.commit() == null
                    || active.commit().equals(head);
            return new Refresh(project, absorbs ? Outcome.ALREADY_QUEUED : Outcome.FOLLOWS_RUNNING_JOB, indexed, head,
                    active.id(), null);
        }
        if (head.equals(indexed)) {
            return new Refresh(project, Outcome.UP_TO_DATE, indexed, head, null, null);
        }
        IngestionJob job = enqueue.apply(project.id());
        log.info("{}: index at {}, ref at {}: re-index queued (job {})", project.name(), Refresh.shortId(indexed),
                Refresh.shortId(head), job.id());
        return new Refresh(project, Outcome.QUEUED, indexed, head, job.id(), null);
    }

    /** Looks at the projects a push was made to: their source is the pushed repository, their ref the one pushed. */
    public List<Refresh> push(PushEvent event) {
        if (event.deletesRef() || event.ref() == null) {
            return List.of();
        }
        List<String> urls = event.repositoryUrls().stream().map(SourceUrls::normalise).toList();
        List<Refresh> done = new ArrayList<>();
        for (Project project : jobs.projects()) {
            if (urls.contains(SourceUrls.normalise(project.source()))
                    && tracks(project, event)) {
                // Without the default branch named, the push's commit may be another branch's; a tag push names
                // the tag object, not the commit it tags: ask the remote in both cases.
                boolean certain = (project.ref() != null || event.defaultBranch() != null)
                        && event.ref().startsWith("refs/heads/");
                done.add(refresh(project, certain ? event.commit() : null));
            }
        }
        return done;
    }

    private static boolean tracks(Project project, PushEvent event) {
        String ref = project.ref() != null ? project.ref() : event.defaultBranch();
        if (ref == null) {
            return event.ref().startsWith("refs/heads/");
        }
        return event.ref().equals(ref) || event.ref().equals("refs/heads/" + ref) || event.ref().equals("refs/tags/" + ref);
    }

    /**
     * Called when a job has ended: a READY job that indexed another commit than the one its remote
     * was seen at after the job started gets a follow-up job, so the last push of a burst that came
     * while it ran is indexed too.
     */
    public void afterJob(IngestionJob ended) {
        if (ended.status() != JobStatus.READY || ended.commit() == null || ended.startedAt() == null) {
            return;
        }
        Optional<RemoteHead> remote = jobs.remoteHead(ended.projectId());
        if (remote.isPresent() && !remote.get().commit().equals(ended.commit())
                && remote.get().checkedAt().isAfter(ended.startedAt())) {
            IngestionJob next = enqueue.apply(ended.projectId());
            log.info("project {}: indexed {} while the ref moved to {}: another re-index queued (job {})",
                    ended.projectId(), Refresh.shortId(ended.commit()), Refresh.shortId(remote.get().commit()),
                    next.id());
        }
    }

    private String indexed(Project project) {
        return jobs.latestReadyJob(project.id()).map(IngestionJob::commit).orElse(null);
    }

    /** A full commit id: what it names never moves. */
    static boolean pinned(String ref) {
        return ref != null && ref.toLowerCase(Locale.ROOT).matches("[0-9a-f]{40}");
    }

    /** Refreshes one project by id; empty when there is no such project. */
    public Optional<Refresh> refresh(ProjectId id) {
        return jobs.project(id).map(p -> refresh(p, null));
    }
}

package dev.reporag.core.sync;

import dev.reporag.core.model.JobId;
import dev.reporag.core.model.Project;

import java.util.Objects;

/**
 * What one look at a project's remote did.
 *
 * @param indexed the commit answers come from, or null before any READY job
 * @param remote  the commit the ref points to on the remote, or null when it was not read
 * @param job     the job that will index the remote commit (queued now or already active), or null
 * @param detail  why nothing was done ({@link Outcome#SKIPPED}, {@link Outcome#ERROR}), else null
 */
public record Refresh(Project project, Outcome outcome, String indexed, String remote, JobId job, String detail) {
    /** What was done. */
    public enum Outcome {
        /** The remote is at the commit indexed: nothing to do. */
        UP_TO_DATE,
        /** The remote moved: a re-index was queued. */
        QUEUED,
        /** The remote moved, and a job already queued (or running at that commit) will index it. */
        ALREADY_QUEUED,
        /** A re-index of an older commit is running: another follows it when it ends. */
        FOLLOWS_RUNNING_JOB,
        /** The ref names a commit, which never moves. */
        PINNED,
        /** Not looked at: the project is not READY (never indexed, or its last job FAILED). */
        SKIPPED,
        /** The remote could not be read. */
        ERROR
    }

    public Refresh {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Whether this refresh made or found a job that will index the remote commit. */
    public boolean queued() {
        return outcome == Outcome.QUEUED || outcome == Outcome.ALREADY_QUEUED || outcome == Outcome.FOLLOWS_RUNNING_JOB;
    }

    /** One line for a person: "shop: index at abc1234, ref at def5678: re-index queued". */
    public String describe() {
        String commits = "index at " + shortId(indexed) + ", ref at " + shortId(remote);
        String what = switch (outcome) {
            case UP_TO_DATE -> "up to date at " + shortId(indexed);
            case QUEUED -> commits + ": re-index queued";
            case ALREADY_QUEUED -> commits + ": a queued job will index it";
            case FOLLOWS_RUNNING_JOB -> commits + ": a re-index is running; another follows it";
            case PINNED -> "pinned to commit " + shortId(project.ref()) + ": nothing to sync";
            case SKIPPED, ERROR -> detail;
        };
        return project.name() + ": " + what;
    }

    /** The first 7 characters of a commit id, as Git shows them; "?" for none. */
    public static String shortId(String commit) {
        return commit == null ? "?" : commit.length() > 7 ? commit.substring(0, 7) : commit;
    }
}

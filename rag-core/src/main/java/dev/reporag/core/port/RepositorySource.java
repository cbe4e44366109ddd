package dev.reporag.core.port;

import dev.reporag.core.model.Project;

import java.util.List;
import java.util.Optional;

/** Where repository content comes from (JGit, or a map in tests). */
public interface RepositorySource {
    /**
     * Resolves the project's source and ref (default branch when none) to a commit, fetching as
     * needed.
     *
     * @throws SourceException with a message a user can act on
     */
    Snapshot open(Project project);

    /**
     * Like {@link #open(Project)}, reporting the fetch's progress to {@code monitor} and stopping
     * it when the monitor says so. Sources with nothing to fetch need not override this.
     *
     * @throws SourceException with a message a user can act on, also when stopped
     */
    default Snapshot open(Project project, FetchMonitor monitor) {
        return open(project);
    }

    /**
     * Like {@link #open(Project, FetchMonitor)}, with up to {@code depth} commits of the ref's
     * first-parent line readable through {@link Snapshot#history} and {@link Snapshot#at}: a source
     * that keeps shallow copies fetches the history it lacks. Sources that keep no history need not
     * override this; their snapshots then show only their own commit.
     *
     * @throws SourceException with a message a user can act on, also when stopped
     */
    default Snapshot openWithHistory(Project project, int depth, FetchMonitor monitor) {
        return open(project, monitor);
    }

    /**
     * The commit {@code ref} (the default branch when null) points to on the remote now, read
     * without fetching any content (an {@code ls-remote}), under the same source rules and time
     * limits as {@link #open}. An annotated tag is given as the commit it names; a ref that is
     * itself a full commit id is returned as it is. By default the source is opened, which
     * fetches: sources that can ask cheaply override this.
     *
     * @throws SourceException with a message a user can act on
     */
    default String remoteHead(String source, String ref) {
        Project probe = new Project(dev.reporag.core.model.ProjectId.random(), "remote-head", source, ref,
                java.time.Instant.EPOCH);
        try (Snapshot snapshot = open(probe)) {
            return snapshot.commit();
        }
    }

    /**
     * The first of these names (longest first) that is a branch or tag of the remote, read without
     * fetching any content, under the same source rules and time limits as {@link #remoteHead};
     * empty when none is. A Git host's page address runs a ref and a path together
     * ({@code tree/feature/login/src}): only the remote can tell where the ref ends. Sources that
     * cannot tell cheaply return empty, and the caller keeps its first guess.
     *
     * @throws SourceException with a message a user can act on, when the remote cannot be read
     */
    default Optional<String> firstExistingRef(String source, List<String> candidates) {
        return Optional.empty();
    }

    /**
     * Checks a source given by a user before a project is stored (URL form, scheme, host), without
     * fetching anything.
     *
     * @throws SourceException when the source would be refused
     */
    void validate(String source);
}

package dev.reporag.core.sync;

import java.util.List;
import java.util.Objects;

/**
 * A push a Git host announced (a webhook), as the core needs it.
 *
 * @param repositoryUrls every URL the host gives the repository (clone, web, SSH): a project
 *                       registered with any of them is the one pushed to
 * @param ref            the full ref pushed ({@code refs/heads/main})
 * @param commit         the ref's new commit; null or all zeros when the ref was deleted
 * @param defaultBranch  the repository's default branch, for projects that track it; null if not said
 */
public record PushEvent(List<String> repositoryUrls, String ref, String commit, String defaultBranch) {
    private static final String DELETED = "0000000000000000000000000000000000000000";

    public PushEvent {
        repositoryUrls = repositoryUrls.stream().filter(Objects::nonNull).filter(u -> !u.isBlank()).toList();
    }

    /** Whether the push deleted the ref (nothing to index). */
    public boolean deletesRef() {
        return commit == null || commit.isBlank() || DELETED.equals(commit);
    }
}

package dev.reporag.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The commit a project's ref pointed to on its remote when it was last looked at (by a sync's
 * {@code ls-remote}, or a push a webhook announced).
 */
public record RemoteHead(String commit, Instant checkedAt) {
    public RemoteHead {
        Objects.requireNonNull(checkedAt, "checkedAt");
        if (commit == null || commit.isBlank()) {
            throw new IllegalArgumentException("a remote head names a commit");
        }
        commit = commit.strip();
    }
}

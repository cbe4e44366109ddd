package dev.reporag.core.port;

import java.util.Set;

/**
 * Paths that differ between an earlier commit and a snapshot. A rename is a delete of the old
 * path and a change of the new one.
 *
 * @param changed paths added or modified
 * @param deleted paths that no longer exist
 */
public record ChangeSet(Set<String> changed, Set<String> deleted) {
    public ChangeSet {
        changed = Set.copyOf(changed);
        deleted = Set.copyOf(deleted);
    }

    public boolean isEmpty() {
        return changed.isEmpty() && deleted.isEmpty();
    }
}

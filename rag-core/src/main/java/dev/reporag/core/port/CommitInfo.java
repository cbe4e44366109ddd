package dev.reporag.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One commit of a repository's history, with the paths it changed against its first parent. A
 * merge (two parents or more) lists no paths: what it changed is the work of the commits it merges.
 *
 * @param parents  ids of its parents, the first parent first; empty for the first commit
 * @param subject  the first line of its message
 * @param added    paths it added
 * @param modified paths it changed in place
 * @param deleted  paths it removed (a rename is a removal and an addition)
 */
public record CommitInfo(String id, List<String> parents, String subject, Instant time, Set<String> added,
                         Set<String> modified, Set<String> deleted) {
    public CommitInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        parents = List.copyOf(parents);
        added = Set.copyOf(added);
        modified = Set.copyOf(modified);
        deleted = Set.copyOf(deleted);
    }

    public boolean isMerge() {
        return parents.size() > 1;
    }

    /** The first parent, or null for the first commit. */
    public String parent() {
        return parents.isEmpty() ? null : parents.get(0);
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddingKey;
import dev.reporag.core.model.ProjectId;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The chunks a job reconciles the files it reads against: a chunk found here as it is is not
 * written again; what is left of this project's at the end was not seen again and goes.
 * <p>
 * Same id means same place and same text, but not always the same embedded text: the header names
 * the declarations a chunk sits in, which an edit elsewhere in a changed file can rename. So keys
 * are compared too, and a chunk whose key differs is written again (under its id, replacing the
 * stored one).
 */
final class StoredChunks {
    /** This project's stored chunks not seen yet: each one's embedding key, by id. */
    private final Map<String, String> unseen;
    /** A sibling whose index is being copied into this project, or null. */
    private final ProjectId sibling;
    /** That sibling's chunks of the paths this job reads, by the sibling's chunk id: the copy brings them. */
    private final Map<String, String> siblingKeys;
    /** Beside a copy, every chunk id the job read: what the copy brought of those paths besides goes. */
    private final Set<String> seen = new HashSet<>();

    private StoredChunks(Map<String, String> unseen, ProjectId sibling, Map<String, String> siblingKeys) {
        this.unseen = unseen;
        this.sibling = sibling;
        this.siblingKeys = siblingKeys;
    }

    /** This project's stored chunks (of an earlier commit, a copy, or this job's before it resumed). */
    static StoredChunks of(Map<String, String> keysById) {
        return new StoredChunks(new HashMap<>(keysById), null, Map.of());
    }

    /**
     * Nothing of this project's stored yet, and a sibling's index being copied in: a chunk the copy
     * brings as it is (the sibling's chunk of the same place, text and key) is not written.
     */
    static StoredChunks ofCopy(ProjectId sibling, Map<String, String> siblingKeysById) {
        return new StoredChunks(new HashMap<>(), sibling, new HashMap<>(siblingKeysById));
    }

    /**
     * Whether this chunk is stored as it is, or comes with the copy: then it is not written again.
     * Either way it is seen, so it is not among {@link #unseen()}.
     *
     * @param key the chunk's embedding key, asked for only where keys are compared
     */
    boolean unchanged(Chunk chunk, Supplier<String> key) {
        if (unseen.containsKey(chunk.id())) {
            return sameText(unseen.remove(chunk.id()), key);
        }
        if (sibling != null) {
            seen.add(chunk.id());
            String copied = siblingKeys.get(chunk.inProject(sibling).id());
            return copied != null && sameText(copied, key);
        }
        return false;
    }

    /**
     * A stored key not made from the text (a vector given without one, or stored before keys
     * were) cannot tell: the chunk is kept by its id, as it was before keys were compared, rather
     * than embedded again.
     */
    private static boolean sameText(String stored, Supplier<String> key) {
        return !EmbeddingKey.isOfText(stored) || stored.equals(key.get());
    }

    /**
     * Once the copy is done, of what it brought of the paths this job read ({@code copied}), the
     * chunks the job did not see again: the sibling's versions of changed or deleted files.
     */
    Set<String> notSeenOf(Collection<String> copied) {
        Set<String> left = new HashSet<>(copied);
        left.removeAll(seen);
        return left;
    }

    /** This project's stored chunks not seen again: chunks of files changed or deleted since. */
    Set<String> unseen() {
        return unseen.keySet();
    }
}

package dev.reporag.core.port;

import java.util.Set;

/**
 * A batch pointed chunks at vectors by key, and some of those vectors were freed since they were
 * looked up (another project's last chunk of that key was deleted meanwhile). Nothing of the batch
 * was written; the caller embeds those chunks and writes the batch again.
 */
public final class VectorsGoneException extends StoreException {
    private final Set<String> keys;

    public VectorsGoneException(Set<String> keys) {
        super(keys.size() + " stored vectors were freed while the chunks pointing at them were being written");
        this.keys = Set.copyOf(keys);
    }

    /** The keys no longer held. */
    public Set<String> keys() {
        return keys;
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddingKey;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Before anything is embedded: each new chunk is keyed by what determines its vector (the text it
 * is embedded as, the chunker's version, the store's model), and the store is asked once per file
 * which of those keys it already holds, from any project. Those chunks are stored with the vector
 * found; only the others go to the embedder. A second branch, tag, fork or project of an indexed
 * repository thus embeds only the chunks never embedded before.
 */
final class ReuseStep {
    private final VectorStore store;

    ReuseStep(VectorStore store) {
        this.store = store;
    }

    /** Hands each chunk to the batcher, reused or to embed; returns how many were reused. */
    int route(List<Chunk> chunks, List<String> texts, EmbeddingBatcher batcher) {
        if (chunks.isEmpty()) {
            return 0;
        }
        List<String> keys = new ArrayList<>(chunks.size());
        for (String text : texts) {
            keys.add(EmbeddingKey.of(text, Chunker.VERSION, store.model()));
        }
        Map<String, float[]> found = store.vectors(new HashSet<>(keys));
        int reused = 0;
        for (int i = 0; i < chunks.size(); i++) {
            float[] vector = found.get(keys.get(i));
            if (vector != null) {
                batcher.addReused(chunks.get(i), keys.get(i), vector);
                reused++;
            } else {
                batcher.add(chunks.get(i), texts.get(i), keys.get(i));
            }
        }
        return reused;
    }
}

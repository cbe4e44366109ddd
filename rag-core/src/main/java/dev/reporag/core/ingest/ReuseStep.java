package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddingKey;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Before anything is embedded: each new chunk is keyed by what determines its vector (the text it
 * is embedded as, the chunker's version, the store's model), and the store is asked which of those
 * keys it already holds, from any project, once for a group of files. Those chunks are stored
 * pointing at the vector by its key (no vector travels); only the others go to the embedder. A
 * second branch, tag, fork or project of an indexed repository thus embeds only the chunks never
 * embedded before.
 */
final class ReuseStep {
    /** One file's new chunks (none for a file left out on reading), their embedder texts, and its size. */
    record FileChunks(List<Chunk> chunks, List<String> texts, long bytes) {
    }

    private final VectorStore store;

    ReuseStep(VectorStore store) {
        this.store = store;
    }

    /** Hands each chunk of one file to the batcher, reused or to embed; returns how many were reused. */
    int route(List<Chunk> chunks, List<String> texts, EmbeddingBatcher batcher) {
        if (chunks.isEmpty()) {
            return 0;
        }
        List<String> keys = keys(texts);
        return route(chunks, texts, keys, store.heldKeys(new HashSet<>(keys)), batcher);
    }

    /**
     * Looks the keys of every chunk of these files up at once, then hands each file's chunks to
     * the batcher in order, each file followed by its {@link EmbeddingBatcher#fileDone}, and the
     * group's chunks to embed {@link EmbeddingBatcher#sendAhead sent ahead}; returns how many chunks
     * were reused.
     */
    int routeFiles(List<FileChunks> files, EmbeddingBatcher batcher) {
        List<List<String>> keys = new ArrayList<>(files.size());
        Set<String> all = new HashSet<>();
        for (FileChunks file : files) {
            List<String> fileKeys = keys(file.texts());
            keys.add(fileKeys);
            all.addAll(fileKeys);
        }
        Set<String> held = all.isEmpty() ? Set.of() : store.heldKeys(all);
        int reused = 0;
        for (int f = 0; f < files.size(); f++) {
            FileChunks file = files.get(f);
            reused += route(file.chunks(), file.texts(), keys.get(f), held, batcher);
            batcher.fileDone(file.bytes());
        }
        batcher.sendAhead();
        return reused;
    }

    private List<String> keys(List<String> texts) {
        List<String> keys = new ArrayList<>(texts.size());
        for (String text : texts) {
            keys.add(keyOf(text));
        }
        return keys;
    }

    /** The key a text sent to this store's model is stored under. */
    String keyOf(String embeddedText) {
        return EmbeddingKey.of(embeddedText, Chunker.VERSION, store.model());
    }

    private static int route(List<Chunk> chunks, List<String> texts, List<String> keys, Set<String> held,
                             EmbeddingBatcher batcher) {
        int reused = 0;
        for (int i = 0; i < chunks.size(); i++) {
            if (held.contains(keys.get(i))) {
                batcher.addReused(chunks.get(i), texts.get(i), keys.get(i));
                reused++;
            } else {
                batcher.add(chunks.get(i), texts.get(i), keys.get(i));
            }
        }
        return reused;
    }
}

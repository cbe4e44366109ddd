package dev.reporag.core.ask;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.Chunker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges overlapping or adjacent chunks of one file, so a source is never shown twice. */
final class ChunkMerger {
    /**
     * Separate sources one file may take: a big file with many matching chunks would otherwise
     * crowd every other file out of the answer.
     */
    static final int MAX_PER_FILE = 3;

    private ChunkMerger() {
    }

    /** Keeps rank order (a merged source takes its best member's place), at most {@code limit} sources. */
    static List<Chunk> merge(List<ScoredChunk> ranked, int limit) {
        Map<String, List<Chunk>> byPath = new LinkedHashMap<>();
        List<Chunk> order = new ArrayList<>();
        for (ScoredChunk hit : ranked) {
            Chunk chunk = hit.chunk();
            List<Chunk> sameFile = byPath.computeIfAbsent(chunk.path(), p -> new ArrayList<>());
            boolean merged = false;
            for (int i = 0; i < sameFile.size(); i++) {
                Chunk kept = sameFile.get(i);
                Chunk joined = join(kept, chunk);
                if (joined != null) {
                    sameFile.set(i, joined);
                    order.set(order.indexOf(kept), joined);
                    merged = true;
                    break;
                }
            }
            if (!merged) {
                if (order.size() == limit || sameFile.size() == MAX_PER_FILE) {
                    continue;
                }
                sameFile.add(chunk);
                order.add(chunk);
            }
        }
        return order;
    }

    /** The union of two line ranges of one file when they touch, else null. */
    static Chunk join(Chunk a, Chunk b) {
        Chunk first = a.startLine() <= b.startLine() ? a : b;
        Chunk second = first == a ? b : a;
        if (second.startLine() > first.endLine() + 1) {
            return null;
        }
        if (second.endLine() <= first.endLine()) {
            return wholeLines(second) ? first : null;
        }
        List<String> secondLines = Chunker.lines(second.text());
        if (!wholeLines(first) || secondLines.size() != second.endLine() - second.startLine() + 1) {
            return null; // pieces of one long line: line arithmetic does not apply
        }
        int skip = first.endLine() - second.startLine() + 1;
        StringBuilder text = new StringBuilder(first.text());
        for (int i = skip; i < secondLines.size(); i++) {
            text.append(secondLines.get(i));
        }
        return Chunk.of(first.projectId(), first.path(), first.language(), first.startLine(), second.endLine(),
                text.toString());
    }

    private static boolean wholeLines(Chunk chunk) {
        return Chunker.lines(chunk.text()).size() == chunk.endLine() - chunk.startLine() + 1;
    }
}

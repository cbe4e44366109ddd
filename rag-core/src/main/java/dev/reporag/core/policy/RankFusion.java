package dev.reporag.core.policy;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ScoredChunk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reciprocal rank fusion: merges ranked lists without comparing their incomparable scores. */
public final class RankFusion {
    /** The usual constant; it damps the weight of the very first ranks. */
    public static final int K = 60;

    private RankFusion() {
    }

    public static List<ScoredChunk> fuse(List<List<ScoredChunk>> rankings, int limit) {
        Map<String, Chunk> chunks = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<ScoredChunk> ranking : rankings) {
            for (int rank = 0; rank < ranking.size(); rank++) {
                Chunk chunk = ranking.get(rank).chunk();
                chunks.putIfAbsent(chunk.id(), chunk);
                scores.merge(chunk.id(), 1.0 / (K + rank + 1), Double::sum);
            }
        }
        List<ScoredChunk> fused = new ArrayList<>();
        scores.forEach((id, score) -> fused.add(new ScoredChunk(chunks.get(id), score)));
        fused.sort(Comparator.comparingDouble(ScoredChunk::score).reversed());
        return fused.size() > limit ? List.copyOf(fused.subList(0, limit)) : fused;
    }
}

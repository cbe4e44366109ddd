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
        return fuse(rankings, limit, K, 1.0);
    }

    /** EXPERIMENT (retrieval round 4), reverted next: the first ranking weighted by {@code firstWeight}, constant {@code k}. */
    public static List<ScoredChunk> fuse(List<List<ScoredChunk>> rankings, int limit, int k, double firstWeight) {
        Map<String, Chunk> chunks = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int r = 0; r < rankings.size(); r++) {
            List<ScoredChunk> ranking = rankings.get(r);
            double weight = r == 0 ? firstWeight : 1.0;
            for (int rank = 0; rank < ranking.size(); rank++) {
                Chunk chunk = ranking.get(rank).chunk();
                chunks.putIfAbsent(chunk.id(), chunk);
                scores.merge(chunk.id(), weight / (k + rank + 1), Double::sum);
            }
        }
        List<ScoredChunk> fused = new ArrayList<>();
        scores.forEach((id, score) -> fused.add(new ScoredChunk(chunks.get(id), score)));
        fused.sort(Comparator.comparingDouble(ScoredChunk::score).reversed());
        return fused.size() > limit ? List.copyOf(fused.subList(0, limit)) : fused;
    }
}

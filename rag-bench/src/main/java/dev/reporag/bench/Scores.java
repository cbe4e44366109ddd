package dev.reporag.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Ranks of the expected file among the distinct files a retriever returned, and the usual figures. */
final class Scores {
    /** Files beyond this rank count as not found (MRR@10). */
    static final int DEPTH = 10;

    private final String name;
    private final List<Integer> ranks = new ArrayList<>();
    private final List<String> misses = new ArrayList<>();
    private final Map<String, int[]> byKind = new LinkedHashMap<>();

    Scores(String name) {
        this.name = name;
    }

    /** @param paths retrieved paths, best first, repeats allowed */
    void add(LabelledQuestion question, List<String> paths) {
        List<String> files = new ArrayList<>(new LinkedHashSet<>(paths));
        int index = files.indexOf(question.expectedPath());
        int rank = index < 0 || index >= DEPTH ? 0 : index + 1;
        ranks.add(rank);
        int[] kind = byKind.computeIfAbsent(question.kind(), k -> new int[2]);
        kind[0] += rank >= 1 && rank <= 5 ? 1 : 0;
        kind[1]++;
        if (rank == 0 || rank > 5) {
            misses.add((rank == 0 ? "miss" : "@" + rank) + "  " + question.question() + "  -> "
                    + files.subList(0, Math.min(3, files.size())));
        }
    }

    double recallAt(int k) {
        return ranks.stream().filter(r -> r >= 1 && r <= k).count() / (double) ranks.size();
    }

    double mrr() {
        return ranks.stream().mapToDouble(r -> r == 0 ? 0 : 1.0 / r).sum() / ranks.size();
    }

    String line() {
        return String.format("%-58s  %5.3f  %5.3f  %5.3f", name, recallAt(1), recallAt(5), mrr());
    }

    String name() {
        return name;
    }

    /** Per kind of question: {found in the top 5, asked}. */
    Map<String, int[]> byKind() {
        return byKind;
    }

    List<String> misses() {
        return misses;
    }

    static String header() {
        return String.format("%-58s  %5s  %5s  %5s", "retriever (" + "questions scored by file)", "R@1", "R@5",
                "MRR");
    }
}

package dev.reporag.core.eval;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well a retriever found the expected files: overall and by kind of question, with every
 * question's result.
 *
 * @param commit  the commit the questions were made at
 * @param notes   what limited the questions (too little history, no doc comments, files not indexed)
 */
public record EvalReport(String commit, Score overall, Map<String, Score> byKind, List<Result> results,
                         List<String> notes) {
    /** Ranks beyond this count as not found. */
    public static final int DEPTH = 10;

    public EvalReport {
        byKind = Collections.unmodifiableMap(new TreeMap<>(byKind)); // kinds in a stable order
        results = List.copyOf(results);
        notes = List.copyOf(notes);
    }

    /**
     * @param recall1 share of questions with an expected file first
     * @param recall5 share with one in the first five files
     * @param mrr     mean of 1 / the rank of the first expected file (0 beyond {@link #DEPTH})
     */
    public record Score(int questions, double recall1, double recall5, double mrr) {
        static Score of(List<Result> results) {
            int n = results.size();
            if (n == 0) {
                return new Score(0, 0, 0, 0);
            }
            double r1 = results.stream().filter(r -> r.rank() == 1).count() / (double) n;
            double r5 = results.stream().filter(r -> r.rank() >= 1 && r.rank() <= 5).count() / (double) n;
            double mrr = results.stream().mapToDouble(r -> r.rank() == 0 ? 0 : 1.0 / r.rank()).sum() / n;
            return new Score(n, r1, r5, mrr);
        }
    }

    /**
     * @param rank the rank of the first expected file, 1-based; 0 when not within {@link #DEPTH}
     * @param top  the files ranked, best first
     */
    public record Result(EvalQuestion question, int rank, List<String> top) {
    }
}

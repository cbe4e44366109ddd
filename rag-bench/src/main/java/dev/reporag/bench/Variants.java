package dev.reporag.bench;

import dev.reporag.core.ask.RetrievalOptions;
import dev.reporag.core.eval.EvalIndex;
import dev.reporag.core.eval.EvalReport;
import dev.reporag.core.eval.StoreEvalIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * repo-rag's index ranked with several sets of retrieval techniques at once: one index, every
 * question asked of each variant in turn, so that measuring a technique costs no indexing. The
 * evaluation sees the first variant's ranking; the others are turned into reports afterwards.
 */
final class Variants implements EvalIndex {
    private final StoreEvalIndex index;
    private final Map<String, RetrievalOptions> variants;
    private final Map<String, List<List<String>>> rankings = new LinkedHashMap<>();

    Variants(StoreEvalIndex index, Map<String, RetrievalOptions> variants) {
        this.index = index;
        this.variants = variants;
        variants.keySet().forEach(name -> rankings.put(name, new ArrayList<>()));
    }

    /** {@code -Dbench.variants=none;tests;tests,files}: names are the specs themselves. */
    static Map<String, RetrievalOptions> parse(String spec) {
        Map<String, RetrievalOptions> variants = new LinkedHashMap<>();
        for (String name : spec.split(";")) {
            variants.put(name.strip(), RetrievalOptions.parse(name.strip()));
        }
        return variants;
    }

    @Override
    public void put(Map<String, String> files) {
        index.put(files);
    }

    @Override
    public void remove(Set<String> paths) {
        index.remove(paths);
    }

    @Override
    public List<String> rank(String question, int max) {
        List<String> first = null;
        for (Map.Entry<String, RetrievalOptions> variant : variants.entrySet()) {
            List<String> ranking = index.rank(question, max, variant.getValue());
            rankings.get(variant.getKey()).add(ranking);
            first = first == null ? ranking : first;
        }
        return first;
    }

    /** Each variant's report, from the evaluation's own (whose questions came in the order they were ranked). */
    Map<String, EvalReport> reports(EvalReport asked) {
        Map<String, EvalReport> reports = new LinkedHashMap<>();
        rankings.forEach((name, ranked) -> {
            List<EvalReport.Result> results = new ArrayList<>();
            for (int i = 0; i < asked.results().size(); i++) {
                EvalReport.Result result = asked.results().get(i);
                List<String> top = ranked.get(i);
                int rank = 0;
                for (int r = 0; r < top.size() && rank == 0; r++) {
                    if (result.question().expected().contains(top.get(r))) {
                        rank = r + 1;
                    }
                }
                results.add(new EvalReport.Result(result.question(), rank, top));
            }
            Map<String, EvalReport.Score> byKind = new LinkedHashMap<>();
            results.stream().map(r -> r.question().kind()).distinct().forEach(kind -> byKind.put(kind,
                    MultiRepoBench.score(results.stream().filter(r -> r.question().kind().equals(kind)).toList())));
            reports.put(name, new EvalReport(asked.commit(), MultiRepoBench.score(results), byKind, results,
                    asked.notes()));
        });
        return reports;
    }
}

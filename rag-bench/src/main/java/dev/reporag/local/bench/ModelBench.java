package dev.reporag.local.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.reporag.local.LocalEmbedder;
import dev.reporag.local.LocalModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which in-process model, and windows or not: retrieval quality on a code-search set made from
 * the JDK sources, and chunks/s on the same chunks, LangChain4j's plain embedAll included.
 * Args: [src.zip] [chunks] [queries] [variants, comma-separated].
 */
public final class ModelBench {
    private static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";

    private ModelBench() {
    }

    public static void main(String[] args) throws Exception {
        Path zip = Path.of(args.length > 0 ? args[0] : "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 150;
        String variants = args.length > 3 ? args[3] : "l4j,w128,w256,q128,small400,bge,bgeq";
        CodeRetrievalSet set = CodeRetrievalSet.fromJdkSources(zip, "java.base/java/util/", chunks, 1000, queries);
        System.out.printf(Locale.ROOT, "corpus: %d chunks of <=1000 chars from java.base/java/util, %d queries%n",
                set.chunks.size(), set.queries.size());
        System.out.println("variant | chunks/s | recall@5 | MRR@10");
        for (String v : variants.split(",")) {
            switch (v) {
                case "l4j" -> {
                    AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
                    report("LangChain4j embedAll, all-MiniLM-L6-v2 (first 128 pieces)", set, l4j(model), l4j(model));
                }
                case "w128" -> local("ours, all-MiniLM-L6-v2, windows of 128", set,
                        LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2).build(), "");
                case "w256" -> local("ours, all-MiniLM-L6-v2, windows of 256", set,
                        LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2).windowTokens(256).build(), "");
                case "q128" -> local("ours, all-MiniLM-L6-v2-q, windows of 128", set,
                        LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2_Q).build(), "");
                case "small400" -> {
                    // The other option: declare the model's real limit, so the core cuts ~400-char chunks.
                    CodeRetrievalSet small = CodeRetrievalSet.fromJdkSources(zip, "java.base/java/util/",
                            chunks * 5 / 2, 400, queries);
                    System.out.printf(Locale.ROOT, "  (400-char corpus: %d chunks, %d queries)%n",
                            small.chunks.size(), small.queries.size());
                    LocalEmbedder e = LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2).build();
                    report("ours, all-MiniLM-L6-v2, 400-char chunks (about one window each)", small, e::embedAll,
                            e::embedAll);
                    e.close();
                    // Same chunks, same work per chunk: isolates batching from windowing.
                    AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
                    report("LangChain4j embedAll, all-MiniLM-L6-v2, 400-char chunks", small, l4j(model), l4j(model));
                }
                case "bge" -> local("ours, bge-small-en-v1.5 (512 pieces)", set,
                        LocalEmbedder.builder().model(LocalModel.BGE_SMALL_EN_V15).build(), BGE_QUERY);
                case "bgeq" -> local("ours, bge-small-en-v1.5-q (512 pieces)", set,
                        LocalEmbedder.builder().model(LocalModel.BGE_SMALL_EN_V15_Q).build(), BGE_QUERY);
                default -> throw new IllegalArgumentException("unknown variant " + v);
            }
        }
    }

    private static void local(String name, CodeRetrievalSet set, LocalEmbedder embedder, String queryPrefix) {
        report(name, set, embedder::embedAll, texts -> embedder.embedAll(texts.stream().map(q -> queryPrefix + q).toList()));
        embedder.close();
    }

    private static Function<List<String>, List<float[]>> l4j(EmbeddingModel model) {
        return texts -> model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
                .map(Embedding::vector).toList();
    }

    private static void report(String name, CodeRetrievalSet set, Function<List<String>, List<float[]>> docs,
                               Function<List<String>, List<float[]>> queries) {
        docs.apply(set.chunks.subList(0, 16)); // warm up
        long start = System.nanoTime();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < set.chunks.size(); i += 25) { // the core's default batch size
            vectors.addAll(docs.apply(set.chunks.subList(i, Math.min(set.chunks.size(), i + 25))));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<float[]> q = queries.apply(set.queries.stream().map(CodeRetrievalSet.Query::text).toList());
        int hitsAt5 = 0;
        double mrr = 0;
        for (int i = 0; i < q.size(); i++) {
            int rank = rankOfFirstRelevant(q.get(i), vectors, set.queries.get(i));
            if (rank <= 5) {
                hitsAt5++;
            }
            if (rank <= 10) {
                mrr += 1.0 / rank;
            }
        }
        System.out.printf(Locale.ROOT, "%s | %.1f | %.3f | %.3f%n", name, set.chunks.size() / seconds,
                (double) hitsAt5 / q.size(), mrr / q.size());
    }

    private static int rankOfFirstRelevant(float[] query, List<float[]> vectors, CodeRetrievalSet.Query q) {
        double best = Double.NEGATIVE_INFINITY;
        for (int r : q.relevant()) {
            best = Math.max(best, dot(query, vectors.get(r)));
        }
        int rank = 1;
        for (int c = 0; c < vectors.size(); c++) {
            if (!q.relevant().contains(c) && dot(query, vectors.get(c)) > best) {
                rank++;
            }
        }
        return rank;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

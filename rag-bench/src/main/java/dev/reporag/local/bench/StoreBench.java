package dev.reporag.local.bench;

import dev.reporag.core.model.Vectors;
import dev.reporag.bench.SyntheticVectors;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;
import dev.reporag.local.LocalStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The on-disk store at scale: 100,000 chunks of ~1,000 chars with 384-dim clustered vectors in 20
 * projects of 5,000, plus a project of 50 (a small share). Prints load rate, vector and keyword
 * search p50/p95, recall against an exact scan, and size on disk. Args: [dir] [projects] [chunks
 * per project].
 */
public final class StoreBench {
    private static final int DIM = 384;
    private static final int CLUSTERS = 50;

    private StoreBench() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("store-bench");
        int projects = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int perProject = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        Random random = new Random(1);
        float[][] centers = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centers[c] = SyntheticVectors.gaussian(random, DIM, 1f);
        }
        String[] words = words(random, 400);
        List<ProjectId> ids = new ArrayList<>();
        List<List<float[]>> vectors = new ArrayList<>();
        ProjectId small = new ProjectId("small-project");
        List<float[]> smallVectors = new ArrayList<>();

        try (LocalStore store = LocalStore.open(dir, "bench-" + DIM, DIM)) {
            VectorStore vs = store.vectorStore();
            long start = System.nanoTime();
            for (int p = 0; p < projects; p++) {
                ProjectId id = new ProjectId("project-" + p);
                ids.add(id);
                vectors.add(load(vs, id, perProject, random, centers, words));
            }
            smallVectors.addAll(load(vs, small, 50, random, centers, words));
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            long total = (long) projects * perProject + 50;
            System.out.printf(Locale.ROOT, "loaded %d chunks (%d dims) in %.1f s: %.0f chunks/s (batches of 500, "
                    + "one commit each)%n", total, DIM, loadSeconds, total / loadSeconds);
            System.out.printf(Locale.ROOT, "size on disk: %.1f MB%n", size(dir) / 1e6);

            int queries = 200;
            int k = 10;
            long[] vectorNanos = new long[queries];
            double recall = 0;
            int fullResults = 0;
            for (int i = 0; i < queries; i++) {
                int p = i % projects;
                float[] query = near(centers[random.nextInt(CLUSTERS)], random);
                long t = System.nanoTime();
                List<ScoredChunk> hits = vs.vectorSearch(ids.get(p), query, k);
                vectorNanos[i] = System.nanoTime() - t;
                fullResults += hits.size() == k ? 1 : 0;
                recall += recall(hits, exact(vectors.get(p), query, k), ids.get(p));
            }
            System.out.printf(Locale.ROOT, "vector top-%d in a %,d-chunk project (%.0f%% of the index): p50 %.2f ms,"
                            + " p95 %.2f ms, recall@10 vs exact %.3f, %d/%d queries returned %d%n", k, perProject,
                    100.0 * perProject / total, pct(vectorNanos, 50), pct(vectorNanos, 95), recall / queries,
                    fullResults, queries, k);

            long[] smallNanos = new long[queries];
            int smallFull = 0;
            double smallRecall = 0;
            for (int i = 0; i < queries; i++) {
                float[] query = near(centers[random.nextInt(CLUSTERS)], random);
                long t = System.nanoTime();
                List<ScoredChunk> hits = vs.vectorSearch(small, query, k);
                smallNanos[i] = System.nanoTime() - t;
                smallFull += hits.size() == k ? 1 : 0;
                smallRecall += recall(hits, exact(smallVectors, query, k), small);
            }
            System.out.printf(Locale.ROOT, "vector top-%d in a 50-chunk project (0.05%%): p50 %.2f ms, p95 %.2f ms,"
                            + " recall %.3f, %d/%d queries returned %d%n", k, pct(smallNanos, 50), pct(smallNanos, 95),
                    smallRecall / queries, smallFull, queries, k);

            long[] keywordNanos = new long[queries];
            int nonEmpty = 0;
            for (int i = 0; i < queries; i++) {
                String query = "where is " + words[random.nextInt(words.length)] + " "
                        + words[random.nextInt(words.length)] + "Handler used?";
                long t = System.nanoTime();
                List<ScoredChunk> hits = vs.keywordSearch(ids.get(i % projects), query, k);
                keywordNanos[i] = System.nanoTime() - t;
                nonEmpty += hits.isEmpty() ? 0 : 1;
            }
            System.out.printf(Locale.ROOT, "keyword top-%d in a %,d-chunk project: p50 %.2f ms, p95 %.2f ms"
                    + " (%d/%d with hits)%n", k, perProject, pct(keywordNanos, 50), pct(keywordNanos, 95), nonEmpty,
                    queries);

            long t = System.nanoTime();
            long n = vs.chunkKeys(ids.get(0)).size();
            System.out.printf(Locale.ROOT, "chunkKeys of a %,d-chunk project: %.1f ms (%d ids)%n", perProject,
                    (System.nanoTime() - t) / 1e6, n);
        }
        System.out.printf(Locale.ROOT, "size on disk after close: %.1f MB (%s)%n", size(dir) / 1e6, dir);
    }

    private static List<float[]> load(VectorStore vs, ProjectId project, int count, Random random, float[][] centers,
                                      String[] words) {
        List<float[]> vectors = new ArrayList<>(count);
        List<EmbeddedChunk> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] v = near(centers[random.nextInt(CLUSTERS)], random);
            vectors.add(v);
            String path = "src/main/java/pkg" + (i % 40) + "/File" + (i / 8) + ".java";
            batch.add(new EmbeddedChunk(Chunk.of(project, path, "java", (i % 8) * 30 + 1, (i % 8) * 30 + 30,
                    code(random, words)), v));
            if (batch.size() == 500) {
                vs.upsert(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            vs.upsert(batch);
        }
        return vectors;
    }

    /** ~1,000 chars of Java-like lines made of camelCase identifiers. */
    private static String code(Random random, String[] words) {
        StringBuilder s = new StringBuilder();
        while (s.length() < 1000) {
            String a = words[random.nextInt(words.length)];
            String b = words[random.nextInt(words.length)];
            s.append("    ").append(cap(a)).append(cap(b)).append(' ').append(a).append(cap(b))
                    .append(" = build").append(cap(words[random.nextInt(words.length)])).append("(")
                    .append(b).append(", ").append(words[random.nextInt(words.length)]).append(");\n");
        }
        return s.toString();
    }

    private static String[] words(Random random, int n) {
        String[] words = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder w = new StringBuilder();
            int len = 4 + random.nextInt(5);
            for (int j = 0; j < len; j++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        return words;
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static float[] near(float[] center, Random random) {
        float[] v = SyntheticVectors.gaussian(random, DIM, 0.5f);
        for (int i = 0; i < DIM; i++) {
            v[i] += center[i];
        }
        return v;
    }

    private static Set<Integer> exact(List<float[]> vectors, float[] query, int k) {
        Integer[] order = new Integer[vectors.size()];
        double[] scores = new double[vectors.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            scores[i] = Vectors.cosine(query, vectors.get(i));
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        return new HashSet<>(Arrays.asList(order).subList(0, Math.min(k, order.length)));
    }

    private static double recall(List<ScoredChunk> hits, Set<Integer> exact, ProjectId project) {
        // Chunks are found again by their start line and file number: both encode the load index.
        int found = 0;
        for (ScoredChunk hit : hits) {
            if (!hit.chunk().projectId().equals(project)) {
                continue;
            }
            String path = hit.chunk().path();
            int file = Integer.parseInt(path.substring(path.lastIndexOf("File") + 4, path.length() - 5));
            int index = file * 8 + (hit.chunk().startLine() - 1) / 30;
            found += exact.contains(index) ? 1 : 0;
        }
        return exact.isEmpty() ? 1 : (double) found / exact.size();
    }

    private static double pct(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

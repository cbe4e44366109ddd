package dev.reporag.pgvector.bench;

import dev.reporag.core.model.Vectors;
import dev.reporag.bench.SyntheticVectors;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import dev.reporag.pgvector.VectorSearch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Loads clustered random vectors (default 100,000 x 384 over 20 projects) through
 * {@link VectorStore#upsert} in batches of 100 into a schema of its own, then measures top-10
 * search within one project for each {@link VectorSearch} strategy: latency, recall@10 against
 * exact search computed here in Java, and the fewest rows any query returned. It also runs the
 * plain HNSW query without iterative scan, to show why the strategies exist. Drops its schema.
 *
 * <p>Database: the tests' one ({@link TestSchema}: RAG_TEST_DATABASE_URL, else Testcontainers). Arguments (optional): rows dimensions projects queries.
 */
public final class PgVectorBenchmark {
    private static final int K = 10;
    private static final int BATCH = 100;
    private static final int CENTERS = 400;

    private PgVectorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dimension = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int projectCount = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        TestSchema test = new TestSchema("bench");
        String schema = test.name();
        Random random = new Random(42);
        List<ProjectId> projects = new ArrayList<>();
        for (int p = 0; p < projectCount; p++) {
            projects.add(new ProjectId("bench-project-" + p));
        }
        // Clusters shared by all projects, so a project's rows are spread among everyone else's.
        float[][] centers = new float[CENTERS][];
        for (int c = 0; c < CENTERS; c++) {
            centers[c] = SyntheticVectors.gaussian(random, dimension, 1f);
        }
        float[][] vectors = new float[rows][];
        int[] owner = new int[rows];

        System.out.printf(Locale.ROOT, "pgvector benchmark: %,d rows x %d dims, %d projects, schema %s%n", rows,
                dimension, projectCount, schema);
        try (test; PgDatabase db = test.builder().embeddingModel("bench", dimension).build()) {
            VectorStore store = db.vectorStore();
            List<EmbeddedChunk> batch = new ArrayList<>(BATCH);
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                // Project by project, as ingestion writes them: a project's rows sit together on disk.
                owner[i] = (int) ((long) i * projectCount / rows);
                vectors[i] = near(centers[random.nextInt(CENTERS)], random, 0.35f);
                Chunk chunk = Chunk.of(projects.get(owner[i]), "src/F" + (i / 10) + ".java", "java", 1 + i % 10 * 30,
                        30 + i % 10 * 30, "chunk " + i + " of a benchmark file with some text to store");
                batch.add(new EmbeddedChunk(chunk, vectors[i]));
                if (batch.size() == BATCH) {
                    store.upsert(batch);
                    batch.clear();
                }
                if ((i + 1) % 20_000 == 0) {
                    System.out.printf(Locale.ROOT, "  loaded %,d rows, %.0f rows/s so far%n", i + 1,
                            (i + 1) / seconds(start));
                }
            }
            store.upsert(batch);
            double loadSeconds = seconds(start);
            System.out.printf(Locale.ROOT, "upsert (batches of %d, HNSW index maintained): %,d rows in %.1f s = %.0f rows/s%n",
                    BATCH, rows, loadSeconds, rows / loadSeconds);
            analyze(test);

            float[][] queryVectors = new float[queries][];
            int[] queryProject = new int[queries];
            for (int q = 0; q < queries; q++) {
                queryVectors[q] = near(centers[random.nextInt(CENTERS)], random, 0.35f);
                queryProject[q] = random.nextInt(projectCount);
            }
            List<Set<Integer>> truth = new ArrayList<>();
            for (int q = 0; q < queries; q++) {
                truth.add(exactTopK(vectors, owner, queryProject[q], queryVectors[q]));
            }

            for (VectorSearch mode : VectorSearch.values()) {
                for (int ef : mode == VectorSearch.EXACT ? new int[]{100} : new int[]{40, 100}) {
                    try (PgDatabase searchDb = test.builder().embeddingModel("bench", dimension)
                            .vectorSearch(mode).efSearch(ef).poolSize(2).build()) {
                        measure(mode + (mode == VectorSearch.EXACT ? "" : " ef_search=" + ef), searchDb.vectorStore(),
                                projects, queryVectors, queryProject, truth);
                    }
                }
            }
            plainHnsw(test, projects, queryVectors, queryProject, truth, dimension);
        }
        System.out.println("dropped schema " + schema);
    }

    private static void measure(String label, VectorStore store, List<ProjectId> projects, float[][] queryVectors,
                                int[] queryProject, List<Set<Integer>> truth) {
        for (int q = 0; q < Math.min(50, queryVectors.length); q++) { // warm-up
            store.vectorSearch(projects.get(queryProject[q]), queryVectors[q], K);
        }
        long[] nanos = new long[queryVectors.length];
        double recall = 0;
        int fewest = Integer.MAX_VALUE;
        for (int q = 0; q < queryVectors.length; q++) {
            long start = System.nanoTime();
            List<ScoredChunk> hits = store.vectorSearch(projects.get(queryProject[q]), queryVectors[q], K);
            nanos[q] = System.nanoTime() - start;
            fewest = Math.min(fewest, hits.size());
            recall += recall(hits.stream().map(h -> rowOf(h.chunk().text())).toList(), truth.get(q));
        }
        report(label, nanos, recall / queryVectors.length, fewest);
    }

    /** The query a single global HNSW index answers with a project filter, at pgvector's defaults. */
    // Through the model's partial HNSW index on the embeddings table (V7_5), as the store's index
    // search, but with the session's default hnsw.iterative_scan (off).
    private static void plainHnsw(TestSchema test, List<ProjectId> projects, float[][] queryVectors,
                                  int[] queryProject, List<Set<Integer>> truth, int dimension) throws Exception {
        try (Connection connection = test.connection();
             PreparedStatement statement = connection.prepareStatement(String.format(Locale.ROOT, """
                     SELECT c.text FROM embeddings e
                     JOIN chunks c ON c.space_id = e.space_id AND c.embedding_key = e.key
                     WHERE e.space_id = (SELECT id FROM embedding_spaces WHERE model_id = 'bench' AND dimension = %1$d)
                       AND c.project_id = ?
                     ORDER BY e.embedding::vector(%1$d) <=> CAST(? AS vector(%1$d)) LIMIT %2$d""", dimension, K))) {
            long[] nanos = new long[queryVectors.length];
            double recall = 0;
            int fewest = Integer.MAX_VALUE;
            long total = 0;
            for (int q = 0; q < queryVectors.length; q++) {
                statement.setString(1, projects.get(queryProject[q]).value());
                statement.setString(2, Arrays.toString(queryVectors[q]));
                long start = System.nanoTime();
                List<Integer> found = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(rowOf(rows.getString(1)));
                    }
                }
                nanos[q] = System.nanoTime() - start;
                fewest = Math.min(fewest, found.size());
                total += found.size();
                recall += recall(found, truth.get(q));
            }
            report("plain HNSW, no iterative scan, ef_search=40 (avg " + total / queryVectors.length + " rows)", nanos,
                    recall / queryVectors.length, fewest);
        }
    }

    private static void report(String label, long[] nanos, double recall, int fewest) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-55s p50 %6.2f ms  p95 %6.2f ms  recall@10 %.3f  fewest rows %d%n", label,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.95)] / 1e6, recall, fewest);
    }

    private static double recall(List<Integer> found, Set<Integer> truth) {
        return found.stream().filter(truth::contains).count() / (double) K;
    }

    private static int rowOf(String text) {
        return Integer.parseInt(text.split(" ")[1]);
    }

    private static Set<Integer> exactTopK(float[][] vectors, int[] owner, int project, float[] query) {
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            if (owner[i] == project) {
                scored.add(new double[]{Vectors.cosine(query, vectors[i]), i});
            }
        }
        scored.sort((a, b) -> Double.compare(b[0], a[0]));
        Set<Integer> top = new HashSet<>();
        for (int i = 0; i < Math.min(K, scored.size()); i++) {
            top.add((int) scored.get(i)[1]);
        }
        return top;
    }


    private static float[] near(float[] center, Random random, float noise) {
        float[] v = new float[center.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = center[i] + (float) random.nextGaussian() * noise;
        }
        return v;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void analyze(TestSchema test) throws Exception {
        try (Connection connection = test.connection(); Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE chunks");
        }
    }
}

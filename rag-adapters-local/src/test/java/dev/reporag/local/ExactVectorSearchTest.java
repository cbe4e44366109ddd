package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project of up to {@link LuceneVectorStore#EXACT_SEARCH_MAX_KEYS} vectors gets its true nearest
 * chunks, whatever the graph and the segments look like; a larger one is searched through the graph.
 */
class ExactVectorSearchTest {
    private static final EmbeddingModel MODEL = new EmbeddingModel("m", 24);
    private static final int PROJECTS = 10;
    private static final int PER_PROJECT = 400;
    private static final int K = 10;

    @TempDir
    Path dir;

    @Test
    void aProjectSharingTheIndexWithOthersGetsItsTrueNearestChunks() {
        List<float[]> queries = queries(new Random(7), 60);
        try (MvState state = new MvState(dir)) {
            LocalModels models = new LocalModels(state, dir);
            try (LuceneVectorStore store = new LuceneVectorStore(models.indexOf(MODEL), MODEL, models)) {
                Map<ProjectId, Map<String, float[]>> written = fill(store, new Random(3));
                ProjectId project = written.keySet().iterator().next();
                for (float[] query : queries) {
                    assertThat(ids(store.vectorSearch(project, query, K)))
                            .isEqualTo(nearest(written.get(project), query));
                }
            }
        }
    }

    @Test
    void aProjectOverTheLimitIsSearchedThroughTheGraph() {
        List<float[]> queries = queries(new Random(7), 60);
        try (MvState state = new MvState(dir)) {
            LocalModels models = new LocalModels(state, dir);
            try (LuceneVectorStore store = new LuceneVectorStore(models.indexOf(MODEL), MODEL, models, 0)) {
                Map<ProjectId, Map<String, float[]>> written = fill(store, new Random(3));
                ProjectId project = written.keySet().iterator().next();
                int found = 0;
                int differing = 0;
                for (float[] query : queries) {
                    List<ScoredChunk> hits = store.vectorSearch(project, query, K);
                    assertThat(hits).hasSize(K).allSatisfy(hit -> assertThat(hit.chunk().projectId()).isEqualTo(project));
                    Set<String> exact = nearest(written.get(project), query);
                    found += (int) ids(hits).stream().filter(exact::contains).count();
                    differing += ids(hits).equals(exact) ? 0 : 1;
                }
                // The graph finds nearly all of them, but not all: which is why small projects are scanned.
                assertThat(found).isGreaterThan(queries.size() * K * 8 / 10);
                assertThat(differing).isPositive();
            }
        }
    }

    /** Ten projects of 400 clustered vectors, written in small batches: many segments, merged as they come. */
    private static Map<ProjectId, Map<String, float[]>> fill(LuceneVectorStore store, Random random) {
        float[][] centers = new float[8][];
        for (int c = 0; c < centers.length; c++) {
            centers[c] = gaussian(random, 1f);
        }
        Map<ProjectId, Map<String, float[]>> written = new LinkedHashMap<>();
        for (int p = 0; p < PROJECTS; p++) {
            ProjectId project = new ProjectId("project-" + p);
            Map<String, float[]> vectors = new LinkedHashMap<>();
            List<EmbeddedChunk> batch = new ArrayList<>();
            for (int i = 0; i < PER_PROJECT; i++) {
                float[] vector = near(centers[random.nextInt(centers.length)], random);
                Chunk chunk = Chunk.of(project, "src/F" + i + ".java", "java", 1, 2, "chunk " + p + "-" + i);
                vectors.put(chunk.id(), vector);
                batch.add(new EmbeddedChunk(chunk, vector));
                if (batch.size() == 200) {
                    store.upsert(batch);
                    batch.clear();
                }
            }
            written.put(project, vectors);
        }
        return written;
    }

    /** The ids of the k chunks of highest cosine, computed here. */
    private static Set<String> nearest(Map<String, float[]> vectors, float[] query) {
        return vectors.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, float[]> e) -> -cosine(e.getValue(), query)))
                .limit(K)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static Set<String> ids(List<ScoredChunk> hits) {
        return hits.stream().map(hit -> hit.chunk().id()).collect(Collectors.toSet());
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static List<float[]> queries(Random random, int n) {
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queries.add(gaussian(random, 1f));
        }
        return queries;
    }

    private static float[] near(float[] center, Random random) {
        float[] noise = gaussian(random, 0.6f);
        float[] v = new float[center.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = center[i] + noise[i];
        }
        return v;
    }

    private static float[] gaussian(Random random, float scale) {
        float[] v = new float[MODEL.dimension()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }
}

package dev.reporag.core.memory;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** A thread-safe vector store in memory, with exact cosine search and simple keyword scoring. */
public final class InMemoryVectorStore implements VectorStore {
    private final int dimension;
    private final Map<ProjectId, Map<String, EmbeddedChunk>> byProject = new ConcurrentHashMap<>();

    public InMemoryVectorStore(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive");
        }
        this.dimension = dimension;
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        for (EmbeddedChunk chunk : chunks) {
            if (chunk.vector().length != dimension) {
                throw new StoreException("vector of dimension " + chunk.vector().length
                        + " does not fit a store of dimension " + dimension);
            }
        }
        for (EmbeddedChunk chunk : chunks) {
            EmbeddedChunk copy = new EmbeddedChunk(chunk.chunk(), chunk.vector().clone());
            project(chunk.chunk().projectId()).put(chunk.chunk().id(), copy);
        }
    }

    @Override
    public Set<String> chunkIds(ProjectId project) {
        return new HashSet<>(project(project).keySet());
    }

    @Override
    public Set<String> chunkIds(ProjectId project, Collection<String> paths) {
        Set<String> wanted = Set.copyOf(paths);
        return project(project).values().stream()
                .filter(c -> wanted.contains(c.chunk().path()))
                .map(c -> c.chunk().id())
                .collect(Collectors.toCollection(HashSet::new));
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        project(project).keySet().removeAll(Set.copyOf(chunkIds));
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        Set<String> doomed = Set.copyOf(paths);
        project(project).values().removeIf(c -> doomed.contains(c.chunk().path()));
    }

    @Override
    public void deleteProject(ProjectId project) {
        byProject.remove(project);
    }

    @Override
    public long count(ProjectId project) {
        return project(project).size();
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        if (query.length != dimension) {
            throw new StoreException("query of dimension " + query.length + " does not fit a store of dimension "
                    + dimension);
        }
        return project(project).values().stream()
                .map(c -> new ScoredChunk(c.chunk(), cosine(query, c.vector())))
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed()
                        .thenComparing(s -> s.chunk().id()))
                .limit(k)
                .toList();
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        Set<String> terms = new HashSet<>(KeywordTerms.of(query));
        if (terms.isEmpty()) {
            return List.of();
        }
        List<ScoredChunk> hits = new ArrayList<>();
        for (EmbeddedChunk c : project(project).values()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String term : KeywordTerms.of(c.chunk().path() + ' ' + c.chunk().text())) {
                if (terms.contains(term)) {
                    counts.merge(term, 1, Integer::sum);
                }
            }
            if (!counts.isEmpty()) {
                // Distinct terms matched dominate; repetitions add with diminishing returns.
                double score = counts.size() + counts.values().stream().mapToDouble(n -> Math.log1p(n) / 10).sum();
                hits.add(new ScoredChunk(c.chunk(), score));
            }
        }
        hits.sort(Comparator.comparingDouble(ScoredChunk::score).reversed().thenComparing(s -> s.chunk().id()));
        return hits.size() > k ? List.copyOf(hits.subList(0, k)) : hits;
    }

    private Map<String, EmbeddedChunk> project(ProjectId project) {
        return byProject.computeIfAbsent(project, p -> new ConcurrentHashMap<>());
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}

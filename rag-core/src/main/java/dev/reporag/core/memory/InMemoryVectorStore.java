package dev.reporag.core.memory;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.port.VectorsGoneException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import static dev.reporag.core.model.Vectors.cosine;

/**
 * A thread-safe vector store in memory, with exact cosine search and simple keyword scoring. Views
 * for other models ({@link #forModel}) share its data, as a database opened by two processes would.
 */
public final class InMemoryVectorStore implements VectorStore {
    /** The model of a store made with a dimension only. */
    public static final String DEFAULT_MODEL_ID = "in-memory";

    private final EmbeddingModel model;
    private final Data data;

    /** Everything every view sees, guarded by itself. */
    private static final class Data {
        final Map<EmbeddingModel, Map<ProjectId, Map<String, EmbeddedChunk>>> rows = new HashMap<>();
        final Map<ProjectId, EmbeddingModel> active = new HashMap<>();
        final Map<ProjectId, EmbeddingModel> target = new HashMap<>();
    }

    public InMemoryVectorStore(int dimension) {
        this(new EmbeddingModel(DEFAULT_MODEL_ID, dimension));
    }

    public InMemoryVectorStore(EmbeddingModel model) {
        this(model, new Data());
    }

    private InMemoryVectorStore(EmbeddingModel model, Data data) {
        this.model = model;
        this.data = data;
    }

    /** A store of another model over the same data. */
    public InMemoryVectorStore forModel(EmbeddingModel other) {
        return new InMemoryVectorStore(other, data);
    }

    @Override
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        for (EmbeddedChunk chunk : chunks) {
            if (chunk.hasVector() && chunk.vector().length != model.dimension()) {
                throw new StoreException("vector of dimension " + chunk.vector().length
                        + " does not fit a store of dimension " + model.dimension());
            }
        }
        synchronized (data) {
            Map<String, float[]> byKey = vectorsOf(chunks);
            Set<String> gone = new HashSet<>();
            for (EmbeddedChunk chunk : chunks) {
                if (!byKey.containsKey(chunk.key())) {
                    gone.add(chunk.key());
                }
            }
            if (!gone.isEmpty()) {
                throw new VectorsGoneException(gone);
            }
            for (EmbeddedChunk chunk : chunks) {
                EmbeddedChunk copy = new EmbeddedChunk(chunk.chunk(), byKey.get(chunk.key()).clone(), chunk.key());
                project(chunk.chunk().projectId()).put(chunk.chunk().id(), copy);
            }
        }
    }

    /** The vector of each key of the batch: given with it, or stored. Under the lock. */
    private Map<String, float[]> vectorsOf(List<EmbeddedChunk> chunks) {
        Map<String, float[]> byKey = new HashMap<>();
        Set<String> wanted = new HashSet<>();
        for (EmbeddedChunk chunk : chunks) {
            if (chunk.hasVector()) {
                byKey.putIfAbsent(chunk.key(), chunk.vector());
            } else {
                wanted.add(chunk.key());
            }
        }
        wanted.removeAll(byKey.keySet());
        if (!wanted.isEmpty()) {
            forEachStored(wanted, byKey::putIfAbsent);
        }
        return byKey;
    }

    /** Each stored chunk of this model whose key is wanted, with its key and vector. Under the lock. */
    private void forEachStored(Set<String> wanted, BiConsumer<String, float[]> visitor) {
        for (Map<String, EmbeddedChunk> chunks : data.rows.getOrDefault(model, Map.of()).values()) {
            for (EmbeddedChunk c : chunks.values()) {
                if (wanted.contains(c.key())) {
                    visitor.accept(c.key(), c.vector());
                }
            }
        }
    }

    @Override
    public Set<String> heldKeys(Collection<String> keys) {
        Set<String> held = new HashSet<>();
        synchronized (data) {
            forEachStored(Set.copyOf(keys), (key, vector) -> held.add(key));
        }
        return held;
    }


    @Override
    public Map<String, String> chunkKeys(ProjectId project) {
        synchronized (data) {
            Map<String, String> keys = new HashMap<>();
            project(project).values().forEach(c -> keys.put(c.chunk().id(), c.key()));
            return keys;
        }
    }

    @Override
    public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
        Set<String> wanted = Set.copyOf(paths);
        synchronized (data) {
            Map<String, String> keys = new HashMap<>();
            project(project).values().stream()
                    .filter(c -> wanted.contains(c.chunk().path()))
                    .forEach(c -> keys.put(c.chunk().id(), c.key()));
            return keys;
        }
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        synchronized (data) {
            project(project).keySet().removeAll(Set.copyOf(chunkIds));
        }
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        Set<String> doomed = Set.copyOf(paths);
        synchronized (data) {
            project(project).values().removeIf(c -> doomed.contains(c.chunk().path()));
        }
    }

    @Override
    public void deleteProject(ProjectId project) {
        synchronized (data) {
            data.rows.values().forEach(byProject -> byProject.remove(project));
            data.active.remove(project);
            data.target.remove(project);
        }
    }

    @Override
    public long count(ProjectId project) {
        synchronized (data) {
            return project(project).size();
        }
    }

    @Override
    public long copyChunks(ProjectId from, ProjectId to) {
        synchronized (data) {
            List<EmbeddedChunk> copies = project(from).values().stream()
                    .map(c -> new EmbeddedChunk(c.chunk().inProject(to), c.vector(), c.key()))
                    .toList();
            Map<String, EmbeddedChunk> target = project(to);
            copies.forEach(c -> target.put(c.chunk().id(), c));
            return copies.size();
        }
    }

    @Override
    public ProjectModels models(ProjectId project) {
        synchronized (data) {
            return new ProjectModels(data.active.get(project), data.target.get(project));
        }
    }

    @Override
    public void requestModel(ProjectId project) {
        synchronized (data) {
            data.target.put(project, model);
        }
    }

    @Override
    public void activate(ProjectId project) {
        synchronized (data) {
            EmbeddingModel before = data.active.put(project, model);
            if (model.equals(data.target.get(project))) {
                data.target.remove(project);
                if (before != null && !before.equals(model)) {
                    data.rows.getOrDefault(before, new HashMap<>()).remove(project);
                }
            }
        }
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        if (query.length != model.dimension()) {
            throw new StoreException("query of dimension " + query.length + " does not fit a store of dimension "
                    + model.dimension());
        }
        return searchable(project).stream()
                .map(c -> new ScoredChunk(c.chunk(), cosine(query, c.vector())))
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed()
                        .thenComparing(s -> s.chunk().id()))
                .limit(k)
                .toList();
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        Set<String> terms = new HashSet<>(KeywordTerms.forSearch(query));
        if (terms.isEmpty()) {
            return List.of();
        }
        List<ScoredChunk> hits = new ArrayList<>();
        for (EmbeddedChunk c : searchable(project)) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String term : KeywordTerms.forSearch(c.chunk().path() + ' ' + c.chunk().text())) {
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

    /** The project's chunks of this model, when this model answers for it; a copy. */
    private List<EmbeddedChunk> searchable(ProjectId project) {
        synchronized (data) {
            if (!new ProjectModels(data.active.get(project), null).answersWith(model)) {
                return List.of();
            }
            return List.copyOf(project(project).values());
        }
    }

    /** The project's chunks of this model; the caller holds the lock. */
    private Map<String, EmbeddedChunk> project(ProjectId project) {
        return data.rows.computeIfAbsent(model, m -> new HashMap<>()).computeIfAbsent(project, p -> new HashMap<>());
    }
}

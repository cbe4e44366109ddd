package dev.reporag.bench;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A real store with its keyword search switched off, to measure what the keyword half adds. */
record VectorOnlyStore(VectorStore delegate) implements VectorStore {
    @Override
    public dev.reporag.core.model.EmbeddingModel model() {
        return delegate.model();
    }

    @Override
    public java.util.Set<String> heldKeys(Collection<String> keys) {
        return delegate.heldKeys(keys);
    }

    @Override
    public dev.reporag.core.model.ProjectModels models(ProjectId project) {
        return delegate.models(project);
    }

    @Override
    public void requestModel(ProjectId project) {
        delegate.requestModel(project);
    }

    @Override
    public void activate(ProjectId project) {
        delegate.activate(project);
    }
    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        delegate.upsert(chunks);
    }


    @Override
    public Map<String, String> chunkKeys(ProjectId project) {
        return delegate.chunkKeys(project);
    }

    @Override
    public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
        return delegate.chunkKeys(project, paths);
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        delegate.delete(project, chunkIds);
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        delegate.deletePaths(project, paths);
    }

    @Override
    public void deleteProject(ProjectId project) {
        delegate.deleteProject(project);
    }

    @Override
    public long count(ProjectId project) {
        return delegate.count(project);
    }

    @Override
    public long copyChunks(ProjectId from, ProjectId to) {
        return delegate.copyChunks(from, to);
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        return delegate.vectorSearch(project, query, k);
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        return List.of();
    }
}

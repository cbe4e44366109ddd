package dev.reporag.core.ingest;

import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vector store as one job's worker writes to it: each write is fenced by the job still being
 * this worker's, so a project deleted during its ingestion keeps no chunk, whatever the worker was
 * doing. The fence is looked at before a batch is written (a late batch is dropped) and again after
 * (a batch that landed while the project was being deleted, after the delete had removed its
 * chunks, is removed again): the delete removes the job before the chunks, so one of the two
 * looks always sees it gone. Either way the job stops.
 *
 * <p>A job copying a sibling's index writes nothing else until the copy is done ({@code beforeWrites}):
 * on PostgreSQL a batch written beside the copy could deadlock with it over the chunk ids the two
 * share (those of a changed file's unchanged parts), and the embedded store serialises its writes anyway.
 */
final class FencedStore implements VectorStore {
    private static final Logger log = LoggerFactory.getLogger(FencedStore.class);

    /** Whether the job may still write: it exists and this worker holds it. */
    @FunctionalInterface
    interface WriteFence {
        boolean holds();
    }

    private final VectorStore store;
    private final ProjectId project;
    private final WriteFence fence;
    private final Cancellation cancellation;
    private final Runnable beforeWrites;

    FencedStore(VectorStore store, ProjectId project, WriteFence fence, Cancellation cancellation) {
        this(store, project, fence, cancellation, () -> {
        });
    }

    FencedStore(VectorStore store, ProjectId project, WriteFence fence, Cancellation cancellation,
                Runnable beforeWrites) {
        this.store = store;
        this.project = project;
        this.fence = fence;
        this.cancellation = cancellation;
        this.beforeWrites = beforeWrites;
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        beforeWrites.run();
        if (!holds()) {
            stop("dropped a batch of " + chunks.size() + " chunks");
        }
        store.upsert(chunks);
        if (!holds()) {
            store.deleteProject(project); // the delete may have run before this batch landed
            stop("removed a batch of " + chunks.size() + " chunks that landed as the project was deleted");
        }
    }

    /** A copy of another project's chunks is fenced like a batch. */
    @Override
    public long copyChunks(ProjectId from, ProjectId to) {
        if (!holds()) {
            stop("did not copy the chunks of project " + from);
        }
        long copied = store.copyChunks(from, to);
        if (!holds()) {
            store.deleteProject(project);
            stop("removed the chunks copied as the project was deleted");
        }
        return copied;
    }

    /** A model switch at the end of a job is fenced like a batch: a deleted project gets none. */
    @Override
    public void activate(ProjectId project) {
        beforeWrites.run();
        if (!holds()) {
            stop("did not switch its model");
        }
        store.activate(project);
        if (!holds()) {
            store.deleteProject(project);
            stop("removed a model switch made as the project was deleted");
        }
    }

    @Override
    public EmbeddingModel model() {
        return store.model();
    }

    @Override
    public Set<String> heldKeys(Collection<String> keys) {
        return store.heldKeys(keys);
    }

    @Override
    public ProjectModels models(ProjectId project) {
        return store.models(project);
    }

    @Override
    public void requestModel(ProjectId project) {
        store.requestModel(project);
    }

    private boolean holds() {
        try {
            return fence.holds();
        } catch (RuntimeException e) {
            // The job store cannot answer now (an outage): the store's own write will tell.
            log.warn("could not check that project {} still exists: {}", project, e.getMessage());
            return true;
        }
    }

    private void stop(String what) {
        log.info("project {} was deleted or its job taken over during its ingestion: {}; stopping", project, what);
        cancellation.leaseLost();
        throw new Cancellation.CancelledException();
    }


    @Override
    public Map<String, String> chunkKeys(ProjectId project) {
        return store.chunkKeys(project);
    }

    @Override
    public Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
        return store.chunkKeys(project, paths);
    }

    @Override
    public void delete(ProjectId project, Collection<String> chunkIds) {
        beforeWrites.run();
        store.delete(project, chunkIds);
    }

    @Override
    public void deletePaths(ProjectId project, Collection<String> paths) {
        beforeWrites.run();
        store.deletePaths(project, paths);
    }

    @Override
    public void deleteProject(ProjectId project) {
        store.deleteProject(project);
    }

    @Override
    public long count(ProjectId project) {
        return store.count(project);
    }

    @Override
    public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
        return store.vectorSearch(project, query, k);
    }

    @Override
    public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
        return store.keywordSearch(project, query, k);
    }
}

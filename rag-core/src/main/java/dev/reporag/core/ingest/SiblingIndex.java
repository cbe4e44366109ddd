package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RepositoryName;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.VectorStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * Another project's index a project's first job can start from: a project of the same repository
 * (another branch or tag, a second name for one ref, the address written another way) with the same
 * file rules, whose newest job is READY with this store's model. The first job copies its chunks and
 * reads only the files that differ between the two commits, as a re-index does.
 *
 * @param project the project indexed already
 * @param ready   its newest job, READY: the index is of {@code ready.commit()}
 */
record SiblingIndex(Project project, IngestionJob ready) {

    /** The most recently indexed sibling of {@code project} in {@code store}'s model, if any. */
    static Optional<SiblingIndex> find(Project project, JobRepository jobs, VectorStore store) {
        return jobs.projects().stream()
                .filter(p -> !p.id().equals(project.id()) && p.paths().equals(project.paths())
                        && RepositoryName.of(p.source()).equals(RepositoryName.of(project.source())))
                .filter(p -> store.models(p.id()).answersWith(store.model()))
                .flatMap(p -> jobs.latestJob(p.id())
                        .filter(job -> job.status() == JobStatus.READY && job.commit() != null)
                        .map(job -> new SiblingIndex(p, job)).stream())
                .max(Comparator.comparing(s -> finishedAt(s.ready())));
    }

    String commit() {
        return ready.commit();
    }

    /**
     * Whether the sibling's newest job is still the READY one it was found with: no job of it wrote
     * while its chunks were copied, so the copy is of one commit.
     */
    boolean unchangedIn(JobRepository jobs) {
        JobId readyId = ready.id();
        return jobs.latestJob(project.id())
                .filter(job -> job.id().equals(readyId) && job.status() == JobStatus.READY)
                .isPresent();
    }

    private static Instant finishedAt(IngestionJob job) {
        return job.finishedAt() != null ? job.finishedAt() : job.updatedAt();
    }
}

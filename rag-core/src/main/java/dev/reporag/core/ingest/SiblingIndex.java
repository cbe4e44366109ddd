package dev.reporag.core.ingest;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RepositoryName;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.VectorStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Another project's index a project's first job can start from: a project of the same repository
 * (another branch or tag, a second name for one ref, the address written another way) or of another
 * repository the project differs little from (a fork's upstream, a mirror at another host, a clone at
 * a path), with the same file rules, whose newest job is READY with this store's model. The first job copies its
 * chunks and reads only the files that differ between the two commits, as a re-index does.
 *
 * @param project the project indexed already
 * @param ready   its newest job, READY: the index is of {@code ready.commit()}
 */
record SiblingIndex(Project project, IngestionJob ready) {

    /** How many indexes of other repositories a first job compares its snapshot with, at most. */
    static final int MAX_RELATED = 8;

    /** The most recently indexed sibling of {@code project} of the same repository, if any. */
    static Optional<SiblingIndex> find(Project project, JobRepository jobs, VectorStore store) {
        String repository = RepositoryName.of(project.source());
        return others(project, jobs).filter(p -> RepositoryName.of(p.source()).equals(repository))
                .flatMap(p -> indexed(p, jobs, store).stream())
                .max(Comparator.comparing(s -> finishedAt(s.ready())));
    }

    /**
     * Known once the project's snapshot is open: the index of another repository (a fork's upstream,
     * a mirror, a clone at a path) whose commit the snapshot can compare itself with, with the fewest
     * paths differing, and fewer than half of the files it indexed. A commit is its content, so that
     * index is what this project's would be at that commit, and the files that differ are read as a
     * re-index reads them. At most {@link #MAX_RELATED} indexes are compared (and looked up): the
     * projects of the same repository name ({@code shop} of {@code github.com/me/shop}) first, then
     * the most recently registered; of equals, the first.
     *
     * @param changesSince the snapshot's changes since a commit of a source, empty when it cannot tell
     */
    static Optional<SiblingIndex> related(Project project, JobRepository jobs, VectorStore store,
                                          BiFunction<String, String, Optional<ChangeSet>> changesSince) {
        String name = lastSegment(RepositoryName.of(project.source()));
        // Sorted on what each project holds; its model and newest job are looked up only until enough are found.
        List<SiblingIndex> compared = others(project, jobs)
                .sorted(Comparator.comparing((Project p) -> !lastSegment(RepositoryName.of(p.source())).equals(name))
                        .thenComparing(Project::createdAt, Comparator.reverseOrder()))
                .flatMap(p -> indexed(p, jobs, store).stream())
                .limit(MAX_RELATED).toList();
        SiblingIndex best = null;
        int fewest = Integer.MAX_VALUE;
        for (SiblingIndex candidate : compared) {
            Optional<ChangeSet> changes = changesSince.apply(candidate.commit(), candidate.project().source());
            if (changes.isEmpty()) {
                continue;
            }
            int differing = changes.get().changed().size() + changes.get().deleted().size();
            if (differing < fewest && 2 * differing < candidate.ready().progress().filesTotal()) {
                best = candidate;
                fewest = differing;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String lastSegment(String repositoryName) {
        return repositoryName.substring(repositoryName.lastIndexOf('/') + 1);
    }

    /** The other projects with the same file rules (read from the project list alone). */
    private static Stream<Project> others(Project project, JobRepository jobs) {
        return jobs.projects().stream()
                .filter(p -> !p.id().equals(project.id()) && p.paths().equals(project.paths()));
    }

    /** The project's index, if its newest job is READY in {@code store}'s model. */
    private static Optional<SiblingIndex> indexed(Project project, JobRepository jobs, VectorStore store) {
        if (!store.models(project.id()).answersWith(store.model())) {
            return Optional.empty();
        }
        return jobs.latestJob(project.id())
                .filter(job -> job.status() == JobStatus.READY && job.commit() != null)
                .map(job -> new SiblingIndex(project, job));
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

package dev.reporag.http;

import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The JSON shapes of the API; kept apart from the core's records so the wire format is explicit. */
final class Views {
    private Views() {
    }

    /**
     * @param progress   0 to 100
     * @param etaSeconds the time left as estimated by the worker, while it holds the job; null when
     *                   unknown or when its lease ran out (the worker is gone)
     * @param files      files of the snapshot that passed the checks
     * @param chunks     chunks stored so far
     * @param skipped    files left out by the filter
     * @param commit     the commit indexed (once READY) or being indexed
     * @param answerable whether questions can be answered now (some ingestion has completed)
     */
    record ProjectView(String id, String name, String repoUrl, String ref, String status, int progress,
                       Long etaSeconds, int files, int filesDone, long chunks, long chunksTotal, int skipped,
                       String commit, String error, boolean answerable, String jobId, String createdAt,
                       String updatedAt) {
    }

    /** @param etaSeconds as in {@link ProjectView} */
    record JobView(String id, String projectId, String status, int progress, Long etaSeconds, int attempts,
                   String commit, String error, String createdAt, String updatedAt) {
    }

    record CitationView(int number, String path, int startLine, int endLine, String label, String commit,
                        String url) {
    }

    record AnswerView(String answer, List<CitationView> citations, String conversationId, boolean extractive) {
    }

    record ErrorView(String error) {
    }

    static ProjectView project(ProjectStatus status) {
        IngestionJob job = status.latestJob();
        IngestionJob ready = status.lastReady();
        Progress progress = status.progress();
        String commit = job != null && job.commit() != null ? job.commit()
                : ready == null ? null : ready.commit();
        Instant updated = job == null ? status.project().createdAt() : job.updatedAt();
        return new ProjectView(status.project().id().value(), status.project().name(), status.project().source(),
                status.project().ref(), status.status().name(), progress.percent(), seconds(status.eta()),
                progress.filesTotal(), progress.filesDone(), progress.chunksDone(), progress.chunksTotal(),
                progress.filesSkipped(), commit, status.error().orElse(null), status.answerable(),
                job == null ? null : job.id().value(), status.project().createdAt().toString(), updated.toString());
    }

    static JobView job(IngestionJob job, Instant now) {
        return new JobView(job.id().value(), job.projectId().value(), job.status().name(), job.progress().percent(),
                seconds(job.eta(now)), job.attempts(), job.commit(), job.error(), job.createdAt().toString(),
                job.updatedAt().toString());
    }

    private static Long seconds(Optional<Duration> eta) {
        return eta.map(Duration::toSeconds).orElse(null);
    }

    static AnswerView answer(Answer answer) {
        return new AnswerView(answer.text(), answer.citations().stream().map(Views::citation).toList(),
                answer.conversationId(), answer.extractive());
    }

    static CitationView citation(Citation c) {
        return new CitationView(c.number(), c.path(), c.startLine(), c.endLine(), c.label(), c.commit(), c.url());
    }
}

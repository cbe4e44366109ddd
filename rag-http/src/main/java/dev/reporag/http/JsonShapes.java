package dev.reporag.http;

import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.model.RemoteHead;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFiles;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the API (the bodies it answers with); kept apart from the core's records so the wire format is explicit.
 * The CLI's {@code --json} prints the same shapes, from here, so both use the same field names.
 */
public final class JsonShapes {
    private JsonShapes() {
    }

    /**
     * @param progress      0 to 100
     * @param etaSeconds    the time left as estimated by the worker, while it holds the job; null when
     *                      unknown or when its lease ran out (the worker is gone)
     * @param files         files of the snapshot that passed the checks, as the latest job counts them
     * @param filesDone     of those, the ones the latest job has stored
     * @param chunks        chunks the latest job has stored so far
     * @param chunksTotal   chunks the latest job has found so far
     * @param skipped       files the latest job left out
     * @param commit        the commit indexed (once READY) or being indexed
     * @param answerable    whether questions can be answered now (some ingestion has completed)
     * @param waitingFor    while PENDING, what the project waits for; else null
     * @param indexedFiles  files in the index that answers questions (the last READY job), null before one
     * @param indexedChunks chunks in that index
     * @param indexedCommit the commit of that index
     * @param modelSwitch   while the index and the configured embedding model differ: "re-embedding for
     *                      model 'X' (1536 dimensions): 40 %", or what to run; else null
     * @param remoteCommit  the commit the ref was last seen at on the remote (a sync or a webhook), null before any
     * @param remoteCheckedAt when that was
     * @param remoteMoved   whether the remote has moved on from the indexed commit
     * @param freshness     "index at abc1234, ref at def5678" while it has, else null
     * @param include       the project's own globs of files kept although a default rule leaves them out
     * @param exclude       the project's own globs of files left out besides the service's
     */
    public record ProjectView(String id, String name, String repoUrl, String ref, String status, int progress,
                              Long etaSeconds, int files, int filesDone, long chunks, long chunksTotal, int skipped,
                              String commit, String error, boolean answerable, String jobId, String createdAt,
                              String updatedAt, String waitingFor, Integer indexedFiles, Long indexedChunks,
                              String indexedCommit, String modelSwitch, String remoteCommit, String remoteCheckedAt,
                              boolean remoteMoved, String freshness, List<String> include, List<String> exclude) {
    }

    /**
     * The files left out by a project's last complete job: counts by rule, and one page of files.
     *
     * @param reason the rule the page is filtered by, or null
     */
    public record SkippedView(String projectId, String jobId, String commit, int total, List<RuleCount> counts,
                              String reason, int offset, int limit, List<SkippedFileView> files) {
    }

    /** How many files one rule left out; {@code rule} says it in words. */
    public record RuleCount(String reason, String rule, int count) {
    }

    public record SkippedFileView(String path, String reason, String rule, long size) {
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

    /**
     * An estimate of indexing from scratch ({@code GET /api/projects/{id}/estimate}, {@code rag estimate --json}).
     *
     * @param skippedByRule   files left out, by rule name
     * @param tokens          as the provider bills them (an in-process model: as its tokenizer reads them)
     * @param inProcess       whether the model runs in the server's process (no bill, no rate limits)
     * @param rateLimitTokens as its rate limiter counts them
     * @param costUsd         null when the model has no known price
     * @param seconds         null when the time cannot be told
     * @param summary         the cost and time in words, as the page shows them
     */
    public record EstimateView(String commit, int filesKept, int filesSkipped, Map<String, Integer> skippedByRule,
                               long bytes, long chunks, long tokens, long rateLimitTokens, long requests,
                               String model, boolean inProcess, Double pricePerMillionTokens, Double costUsd, Long seconds,
                               String timeBasis, List<String> notes, String summary) {
    }

    public static EstimateView estimate(dev.reporag.core.ingest.Estimate e) {
        Map<String, Integer> byRule = new java.util.TreeMap<>();
        e.skippedByReason().forEach((reason, n) -> byRule.put(reason.name(), n));
        String time = e.time().map(s -> s < 90 ? "about " + s + " s" : "about " + Math.round(s / 60.0) + " min")
                .orElse("time unknown");
        String summary = String.format(java.util.Locale.ROOT, "%,d files, %,d chunks, %,d tokens: %s, %s",
                e.filesKept(), e.chunks(), e.tokens(), money(e), time);
        return new EstimateView(e.commit(), e.filesKept(), e.filesSkipped(), byRule, e.bytes(), e.chunks(), e.tokens(),
                e.rateLimitTokens(), e.requests(), e.modelId(), e.inProcess(), e.pricePerMillionTokens(), e.costUsd(), e.seconds(),
                e.timeBasis(), e.notes(), summary);
    }

    /** "$0.0123 with openai:text-embedding-3-small ($0.02 per million tokens)", "free (in process)", or why unknown. */
    public static String money(dev.reporag.core.ingest.Estimate e) {
        if (e.costUsd() == null) {
            return "cost unknown (no price for " + e.modelId() + ")";
        }
        if (e.pricePerMillionTokens() == 0) {
            return "no cost (" + e.modelId() + (e.inProcess() ? ", in this process)" : ")");
        }
        String amount = e.costUsd() >= 1 ? String.format(java.util.Locale.ROOT, "$%,.2f", e.costUsd())
                : String.format(java.util.Locale.ROOT, "$%.4f", e.costUsd());
        return "about " + amount + " with " + e.modelId() + " ($" + e.pricePerMillionTokens() + " per million tokens)";
    }

    public static ProjectView project(ProjectStatus status) {
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
                job == null ? null : job.id().value(), status.project().createdAt().toString(), updated.toString(),
                status.waitingFor().orElse(null), ready == null ? null : ready.progress().filesTotal(),
                ready == null ? null : ready.progress().chunksDone(), ready == null ? null : ready.commit(),
                status.modelSwitch().orElse(null),
                status.remoteHead().map(RemoteHead::commit).orElse(null),
                status.remoteHead().map(h -> h.checkedAt().toString()).orElse(null), status.remoteMoved(),
                status.freshness().orElse(null), status.project().paths().include(),
                status.project().paths().exclude());
    }

    /** One page of a project's skipped files, filtered by {@code reason} when given. */
    public static SkippedView skipped(ProjectId project, SkippedFiles skipped, Optional<SkipReason> reason,
                                      int offset, int limit) {
        List<RuleCount> counts = skipped.counts().entrySet().stream()
                .sorted(Map.Entry.<SkipReason, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new RuleCount(e.getKey().name(), e.getKey().description(), e.getValue()))
                .toList();
        List<SkippedFileView> files = skipped.page(reason, offset, limit).stream()
                .map(e -> new SkippedFileView(e.path(), e.reason().name(), e.reason().description(), e.size()))
                .toList();
        return new SkippedView(project.value(), skipped.jobId().map(JobId::value).orElse(null),
                skipped.commit().orElse(null), skipped.total(), counts, reason.map(Enum::name).orElse(null), offset,
                limit, files);
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
        return new AnswerView(answer.text(), answer.citations().stream().map(JsonShapes::citation).toList(),
                answer.conversationId(), answer.extractive());
    }

    static CitationView citation(Citation c) {
        return new CitationView(c.number(), c.path(), c.startLine(), c.endLine(), c.label(), c.commit(), c.url());
    }
}

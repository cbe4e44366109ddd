package dev.reporag.core.ingest;

import dev.reporag.core.embed.DispatchStats;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.EmbeddingPrices;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.Snapshot;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Works out an {@link Estimate} the way a job would index a snapshot from scratch: the same file
 * checks, the same chunks and embedded texts, the embedder's own token counts, and requests shaped
 * as the dispatcher shapes them. Nothing is sent to an embedding API; only an in-process model may
 * be asked to embed a small sample, to measure its speed, when asked to.
 */
public final class Estimator {
    /** Texts embedded to measure an in-process model's speed. */
    static final int SPEED_SAMPLE = 48;

    /** Answers a mean answer time is over before it is trusted to pace an estimate (or recorded for one). */
    static final int MIN_ANSWERS_SEEN = 5;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private final EmbeddingDispatcher dispatcher;
    private final RagSettings settings;
    /** Where the last ingestion left the embedding API's answer time. */
    private final JobRepository jobs;
    private final Chunker chunker;

    public Estimator(EmbeddingDispatcher dispatcher, RagSettings settings, JobRepository jobs) {
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.jobs = jobs;
        this.chunker = JobProcessor.chunkerFor(settings, dispatcher.embedder());
    }

    /** A mean answer time, over the latest {@code count} answers, and where it was seen, as the basis says it. */
    private record Answers(double meanSeconds, long count, String where) {
    }

    /**
     * The answer time this process has seen, once it has seen enough answers; before that, the one
     * the last process to index with the same rate budget recorded; empty when neither is known.
     */
    private Optional<Answers> answers(Embedder embedder) {
        DispatchStats seen = dispatcher.stats();
        if (seen.recentAnswers() >= MIN_ANSWERS_SEEN) {
            return Optional.of(new Answers(seen.answerSeconds(), seen.recentAnswers(), "here"));
        }
        return embedder.rateLimitKey().flatMap(jobs::answerTime)
                .filter(recorded -> recorded.answers() >= MIN_ANSWERS_SEEN)
                .map(recorded -> new Answers(recorded.meanSeconds(), recorded.answers(),
                        "in the last ingestion with this server, model and key, at " + WHEN.format(recorded.recordedAt())));
    }

    /**
     * @param measureSpeed for an embedder in this process (no rate limits), whether to embed a small
     *                     sample to tell the time; without it, the time of such a model is not told
     */
    public Estimate estimate(Project project, Snapshot snapshot, boolean measureSpeed) {
        Embedder embedder = dispatcher.embedder();
        FileFilter projectFilter = settings.fileFilter().forProject(project.paths());
        FileFilter filter = projectFilter.forRepository(RepositoryRuleFiles.read(snapshot, projectFilter));
        Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        int kept = 0;
        long bytes = 0;
        long chunks = 0;
        long tokens = 0;
        long limitTokens = 0;
        long requests = 0;
        int inRequest = 0;
        long requestTokens = 0;
        List<String> sample = new ArrayList<>();
        long sampleTokens = 0;
        try (Stream<SourceFile> files = snapshot.files()) {
            Iterator<SourceFile> it = files.iterator();
            while (it.hasNext()) {
                SourceFile file = it.next();
                Optional<SkippedFile> byPath = filter.checkPath(file);
                if (byPath.isPresent()) {
                    skipped.merge(byPath.get().reason(), 1, Integer::sum);
                    continue;
                }
                FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
                if (!decoded.isText()) {
                    skipped.merge(decoded.skipped().reason(), 1, Integer::sum);
                    continue;
                }
                kept++;
                bytes += file.size();
                for (String text : FileChunker.chunk(chunker, project.id(), file.path(), file.language(),
                        decoded).texts()) {
                    chunks++;
                    tokens += embedder.billedTokens(text);
                    long limited = dispatcher.countTokens(text);
                    limitTokens += limited;
                    if (!dispatcher.fits(inRequest, requestTokens, limited)) {
                        requests++;
                        inRequest = 0;
                        requestTokens = 0;
                    }
                    inRequest++;
                    requestTokens += limited;
                    if (sample.size() < SPEED_SAMPLE) {
                        sample.add(text);
                        sampleTokens += embedder.billedTokens(text);
                    }
                }
            }
        }
        if (inRequest > 0) {
            requests++;
        }
        List<String> notes = new ArrayList<>();
        if (filter.keepsDocumentation()) {
            notes.add("mostly documentation: its docs/, doc/, *.rst and *.adoc files are indexed, as code would be");
        }
        if (!project.paths().include().isEmpty()) {
            notes.add("the project's own rules also index " + String.join(", ", project.paths().include()));
        }
        if (!project.paths().exclude().isEmpty()) {
            notes.add("the project's own rules leave out " + String.join(", ", project.paths().exclude()));
        }
        boolean inProcess = embedder.rateLimitKey().isEmpty();
        Double price = EmbeddingPrices.perMillionTokens(embedder.modelId(), inProcess, settings.pricePerMillionTokens())
                .orElse(null);
        Double cost = price == null ? null : tokens * price / 1_000_000.0;
        if (price == null) {
            notes.add("no price is known for " + embedder.modelId() + ": set RAG_EMBEDDING_PRICE_PER_MTOK for a cost");
        } else if (inProcess) {
            notes.add("the model runs in this process: nothing is billed");
        }
        Long seconds = null;
        String basis;
        RateLimits limits = settings.rateLimits();
        Duration delay = settings.batch().minDelay();
        if (!limits.isNone()) {
            double minutes = Math.max(limits.tokensPerMinute() > 0 ? (double) limitTokens / limits.tokensPerMinute() : 0,
                    limits.requestsPerMinute() > 0 ? (double) requests / limits.requestsPerMinute() : 0);
            double byLimits = Math.max(minutes * 60, requests * delay.toMillis() / 1000.0);
            String withinLimits = "within " + limits.requestsPerMinute() + " requests and " + limits.tokensPerMinute()
                    + " tokens a minute" + (delay.isZero() ? "" : ", " + delay.toMillis() + " ms between requests");
            // Under generous limits the requests in flight, not the limits, set the pace: at OpenAI's tier 5 a
            // server answering in 0.3 s took 1.9-2.6 times the limits' time (docs/benchmarks/estimate.md). Its
            // answer time is known from requests this process has sent (a running service), or else from the
            // last process that indexed with this rate budget (a one-shot estimate after an ingestion).
            int inFlight = settings.batch().concurrency();
            Optional<Answers> answers = answers(embedder);
            double byAnswers = answers.isPresent() ? requests * answers.get().meanSeconds() / inFlight : 0;
            seconds = (long) Math.ceil(Math.max(byLimits, byAnswers));
            if (byAnswers > byLimits) {
                Answers seen = answers.get();
                basis = String.format(Locale.ROOT, "%d requests in flight, answered in %.2f s each on average %s"
                        + " (%,d answers); %s would allow it sooner", inFlight, seen.meanSeconds(), seen.where(),
                        seen.count(), withinLimits);
            } else {
                basis = withinLimits + "; the server's own limits, once seen, replace these, and each request takes"
                        + " time too";
            }
            if (requests > 0 && byAnswers <= byLimits) {
                notes.add(String.format(Locale.ROOT, "that time holds while the server answers each request"
                        + " within %.2f s (%d in flight); a slower server sets the pace instead: %,d requests x its time"
                        + " a request / %d%s", (double) seconds * inFlight / requests, inFlight, requests, inFlight,
                        answers.map(a -> String.format(Locale.ROOT, " (%.2f s on average %s)", a.meanSeconds(),
                                a.where())).orElse("")));
            }
        } else if (measureSpeed && !sample.isEmpty()) {
            embedder.embedAll(List.of(sample.get(0))); // loads a lazy model: not part of the speed
            long started = System.nanoTime();
            embedder.embedAll(sample);
            double elapsed = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            // By tokens, not chunks: a model's time grows with what it reads, and the first chunks may be short.
            double tokensPerSecond = Math.max(1, sampleTokens) / elapsed;
            seconds = (long) Math.ceil(tokens / tokensPerSecond);
            basis = String.format(Locale.ROOT, "measured here: %,.0f tokens/s (%.1f chunks/s) on %d sample"
                    + " chunks", tokensPerSecond, sample.size() / elapsed, sample.size());
        } else {
            basis = chunks == 0 ? "nothing to embed" : "not measured: the model runs in process, and its speed is"
                    + " measured by rag estimate";
            if (chunks == 0) {
                seconds = 0L;
            }
        }
        return new Estimate(snapshot.commit(), kept, skipped.values().stream().mapToInt(Integer::intValue).sum(),
                skipped, bytes, chunks, tokens, limitTokens, requests, embedder.modelId(), inProcess, price, cost, seconds, basis,
                notes);
    }
}

package dev.reporag.http;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.ProjectStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters. Job figures are read from the job repository when /metrics is scraped, so
 * they cover jobs run by any worker process, not only those inside this one.
 */
final class HttpMetrics {
    private static final int REMEMBERED_JOBS = 10_000;

    private final RepoRag rag;
    private final PrometheusMeterRegistry registry;
    private final Instant started;
    private final Map<JobStatus, AtomicLong> byStatus = new EnumMap<>(JobStatus.class);
    private final AtomicLong chunksStored = new AtomicLong();
    private final Map<JobStatus, AtomicLong> finished = new EnumMap<>(JobStatus.class);
    private final MultiGauge lastProcessing;
    private final Set<String> timedJobs = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    });

    HttpMetrics(RepoRag rag, PrometheusMeterRegistry registry, Instant started) {
        this.rag = rag;
        this.registry = registry;
        this.started = started;
        for (JobStatus status : JobStatus.values()) {
            AtomicLong value = new AtomicLong();
            byStatus.put(status, value);
            Gauge.builder("rag.jobs", value, AtomicLong::get)
                    .description("Projects by the status of their latest ingestion job")
                    .tag("status", status.name()).register(registry);
        }
        Gauge.builder("rag.chunks.stored", chunksStored, AtomicLong::get)
                .description("Chunks stored over all projects, as their jobs report").register(registry);
        for (JobStatus outcome : List.of(JobStatus.READY, JobStatus.FAILED)) {
            AtomicLong value = new AtomicLong();
            finished.put(outcome, value);
            FunctionCounter.builder("rag.jobs.finished", value, AtomicLong::get)
                    .description("Jobs that ended with this outcome, counted by the job store (every worker process,"
                            + " every failure, also one retried before a scrape)")
                    .tag("outcome", outcome.name()).register(registry);
        }
        lastProcessing = MultiGauge.builder("rag.project.last.processing")
                .description("First claim to end of each project's last finished job").baseUnit("seconds")
                .register(registry);
    }

    /** Times a finished request under its route template, so ids don't explode the series. */
    void request(Context ctx, float millis) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException unmatched) {
            route = "unmatched";
        }
        if (route == null || route.isEmpty() || route.equals("*")) {
            route = ctx.path().startsWith("/api/") ? "unmatched" : "static";
        }
        Timer.builder("http.server.requests").description("HTTP request latency")
                .tag("method", ctx.method().name()).tag("route", route)
                .tag("status", Integer.toString(ctx.status().getCode()))
                .register(registry).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** Refreshes the job figures and renders every meter of the registry. */
    synchronized String scrape() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        long chunks = 0;
        List<ProjectStatus> statuses = rag.statuses();
        for (ProjectStatus status : statuses) {
            counts.merge(status.status(), 1L, Long::sum);
            IngestionJob latest = status.latestJob();
            IngestionJob ready = status.lastReady();
            long stored = ready == null ? 0 : ready.progress().chunksDone();
            if (latest != null && latest.status() == JobStatus.PROCESSING) {
                stored = Math.max(stored, latest.progress().chunksDone());
            }
            chunks += stored;
            if (latest != null) {
                timeIfNewlyFinished(latest);
            }
        }
        byStatus.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)));
        chunksStored.set(chunks);
        Map<JobStatus, Long> outcomes = rag.finishedJobs();
        finished.forEach((status, value) -> value.set(outcomes.getOrDefault(status, 0L)));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ProjectStatus status : statuses) {
            lastFinished(status).ifPresent(seconds -> rows.add(MultiGauge.Row.of(
                    Tags.of("project", status.project().name()), seconds)));
        }
        lastProcessing.register(rows, true); // a deleted project's row goes
        return registry.scrape();
    }

    /** Seconds from first claim to end of the project's latest finished job (its last READY one during a re-index). */
    private static Optional<Double> lastFinished(ProjectStatus status) {
        IngestionJob job = status.latestJob() != null && status.latestJob().status().isFinished()
                ? status.latestJob() : status.lastReady();
        if (job == null || job.startedAt() == null || job.finishedAt() == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(job.startedAt(), job.finishedAt()).toNanos() / 1e9);
    }

    private void timeIfNewlyFinished(IngestionJob job) {
        if (!job.status().isFinished() || job.startedAt() == null || job.finishedAt() == null
                || job.finishedAt().isBefore(started) || !timedJobs.add(job.id().value())) {
            return;
        }
        Timer.builder("rag.job.processing").description("Time from a job's first claim to its end")
                .tag("outcome", job.status().name()).register(registry)
                .record(Duration.between(job.startedAt(), job.finishedAt()));
    }
}

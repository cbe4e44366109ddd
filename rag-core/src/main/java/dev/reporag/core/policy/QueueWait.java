package dev.reporag.core.policy;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.WorkerKind;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * What a PENDING project waits for, in a sentence: a job nobody will pick up (no worker running, a
 * cron-only setup between runs) must not look the same as one about to start.
 */
public final class QueueWait {
    /** A worker notes it is alive every 30 s while polling or working; quiet for longer, it is gone. */
    static final Duration ALIVE = Duration.ofMinutes(2);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private QueueWait() {
    }

    /**
     * @param latest      the project's latest job, null when it has none
     * @param seen        when each kind of worker was last seen
     * @param runInterval how often a scheduled run processes the queue, when the operator said so
     * @return empty unless the project is PENDING
     */
    public static Optional<String> explain(IngestionJob latest, Map<WorkerKind, Instant> seen,
                                           Optional<Duration> runInterval, Instant now) {
        if (latest == null) {
            return Optional.of("not queued: no ingestion has been requested yet");
        }
        if (latest.status() != JobStatus.PENDING) {
            return Optional.empty();
        }
        Instant worker = seen.get(WorkerKind.WORKER);
        if (worker != null && Duration.between(worker, now).compareTo(ALIVE) <= 0) {
            return Optional.of("queued; a worker is running and will start it");
        }
        Instant run = seen.get(WorkerKind.RUN);
        if (runInterval.isPresent()) {
            String every = "every " + duration(runInterval.get());
            if (run == null) {
                return Optional.of("queued; waiting for the scheduled run (" + every + "), none has been seen yet");
            }
            Instant next = run.plus(runInterval.get());
            if (!next.isBefore(now)) {
                return Optional.of("queued; next scheduled run at " + at(next, now) + " (" + every + ")");
            }
            return Optional.of("queued; a scheduled run was due at " + at(next, now) + " (" + every + ") but none"
                    + " has been seen since " + at(run, now));
        }
        Instant last = latest(worker, run);
        if (last == null) {
            return Optional.of("queued; waiting for a worker — none has been seen yet");
        }
        return Optional.of("queued; waiting for a worker — none has been seen for " + duration(
                Duration.between(last, now)));
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** "12 min", "3 h", "2 days": the largest unit that reads naturally. */
    static String duration(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 120) {
            return minutes + " min";
        }
        long hours = d.toHours();
        return hours < 48 ? hours + " h" : d.toDays() + " days";
    }

    private static String at(Instant time, Instant now) {
        boolean sameDay = time.atOffset(ZoneOffset.UTC).toLocalDate().equals(now.atOffset(ZoneOffset.UTC).toLocalDate());
        return (sameDay ? TIME : DAY_TIME).format(time);
    }
}

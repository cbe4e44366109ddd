package dev.reporag.core.policy;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.WorkerKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class QueueWaitTest {
    private final Instant now = Instant.parse("2026-12-03T10:30:00Z");
    private final IngestionJob pending = IngestionJob.pending(ProjectId.random(), now.minusSeconds(600));

    @Test
    void saysAWorkerWillStartItWhenOneWasSeenLately() {
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.WORKER, now.minusSeconds(45)), Optional.empty(), now))
                .contains("queued; a worker is running and will start it");
    }

    @Test
    void saysForHowLongNoWorkerHasBeenSeen() {
        assertThat(QueueWait.explain(pending, Map.of(), Optional.empty(), now))
                .contains("queued; waiting for a worker — none has been seen yet");
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.WORKER, now.minus(Duration.ofMinutes(42))),
                Optional.empty(), now)).contains("queued; waiting for a worker — none has been seen for 42 min");
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.WORKER, now.minus(Duration.ofDays(3)),
                WorkerKind.RUN, now.minus(Duration.ofHours(5))), Optional.empty(), now))
                .contains("queued; waiting for a worker — none has been seen for 5 h");
    }

    @Test
    void givesTheNextScheduledRunWhenTheIntervalIsKnown() {
        Optional<Duration> every15 = Optional.of(Duration.ofMinutes(15));
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.RUN, now.minus(Duration.ofMinutes(5))), every15, now))
                .contains("queued; next scheduled run at 10:40 UTC (every 15 min)");
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.RUN, now.minus(Duration.ofMinutes(50))), every15, now))
                .contains("queued; a scheduled run was due at 09:55 UTC (every 15 min) but none has been seen since"
                        + " 09:40 UTC");
        assertThat(QueueWait.explain(pending, Map.of(), every15, now))
                .contains("queued; waiting for the scheduled run (every 15 min), none has been seen yet");
        assertThat(QueueWait.explain(pending, Map.of(WorkerKind.RUN, now.minus(Duration.ofDays(2))), every15, now))
                .contains("queued; a scheduled run was due at 2026-12-01 10:45 UTC (every 15 min) but none has been"
                        + " seen since 2026-12-01 10:30 UTC");
    }

    @Test
    void aProjectWithNoJobIsNotQueuedAndOtherStatusesWaitForNothing() {
        assertThat(QueueWait.explain(null, Map.of(), Optional.empty(), now))
                .contains("not queued: no ingestion has been requested yet");
        IngestionJob running = pending.claimedBy("w", now.plusSeconds(60), now);
        assertThat(QueueWait.explain(running, Map.of(), Optional.empty(), now)).isEmpty();
    }
}

package dev.reporag.core.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The time left a status shows is the estimate of a worker that still holds the job. */
class ProjectStatusTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);
    private final Project project = new Project(ProjectId.random(), "shop", "https://example.com/shop.git", null, T0);
    private final IngestionJob pending = IngestionJob.pending(project.id(), T0);
    private final IngestionJob processing = pending.claimedBy("worker", T0.plus(LEASE), T0)
            .withProgress(new Progress(10, 4, 0, 40, 16, 16, 40, 754), "c0ffee", T0.plusSeconds(5));

    @Test
    void aWorkerHoldingTheJobGivesItsEstimate() {
        assertThat(new ProjectStatus(project, processing, null, T0.plusSeconds(30)).eta())
                .contains(Duration.ofSeconds(754));
        assertThat(processing.eta(T0.plus(LEASE).minusMillis(1))).contains(Duration.ofSeconds(754));
    }

    @Test
    void onceTheLeaseHasRunOutTheWorkerIsGoneAndItsEstimateStale() {
        assertThat(new ProjectStatus(project, processing, null, T0.plus(LEASE)).eta()).isEmpty();
        assertThat(processing.eta(T0.plus(LEASE).plusSeconds(600))).isEmpty();
        // A renewed lease (the worker's heartbeat) keeps it.
        assertThat(processing.withLease(T0.plus(LEASE.multipliedBy(2)), T0.plus(LEASE)).eta(T0.plus(LEASE)))
                .contains(Duration.ofSeconds(754));
    }

    @Test
    void noJobOrAJobNotProcessingHasNone() {
        assertThat(new ProjectStatus(project, null, null, T0).eta()).isEmpty();
        assertThat(new ProjectStatus(project, pending, null, T0).eta()).isEmpty();
    }
}

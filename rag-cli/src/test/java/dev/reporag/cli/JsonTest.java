package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The --json shape of a project's status. */
class JsonTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Project project = new Project(ProjectId.random(), "shop", "https://example.com/shop.git", null, T0);

    @Test
    void aProcessingJobCarriesTheWorkersEstimateAndAPendingOneNone() {
        IngestionJob pending = IngestionJob.pending(project.id(), T0);
        IngestionJob processing = pending.claimedBy("worker", T0.plus(Duration.ofMinutes(1)), T0)
                .withProgress(new Progress(10, 4, 0, 40, 16, 16, 40, 754), "c0ffee", T0.plusSeconds(5));

        assertThat(Json.project(new ProjectStatus(project, processing, null, T0.plusSeconds(10))))
                .extracting("status", "progress", "etaSeconds").containsExactly("PROCESSING", 40, 754L);
        assertThat(Json.project(new ProjectStatus(project, processing, null, T0.plus(Duration.ofMinutes(2)))))
                .as("its lease ran out: the worker is gone").extracting("etaSeconds").isNull();
        assertThat(Json.project(new ProjectStatus(project, pending, null, T0))).extracting("etaSeconds").isNull();
    }
}

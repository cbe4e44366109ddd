package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectStatus;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table `rag status` prints: a job being processed shows the estimate of the time left of the
 * worker holding it, and none once that worker is gone.
 */
class StatusTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aProcessingJobShowsItsWorkersTimeLeftAndOthersADash() {
        Project shop = new Project(ProjectId.random(), "shop", "https://example.com/shop.git", null, T0);
        Project docs = new Project(ProjectId.random(), "docs", "https://example.com/docs.git", null, T0);
        Project api = new Project(ProjectId.random(), "api", "https://example.com/api.git", null, T0);
        IngestionJob processing = IngestionJob.pending(shop.id(), T0)
                .claimedBy("worker", T0.plus(Duration.ofMinutes(1)), T0)
                .withProgress(new Progress(10, 4, 0, 40, 16, 16, 40, 754), "c0ffee", T0.plusSeconds(5));

        // Its worker stopped renewing the lease two minutes ago: the estimate it saved is stale.
        IngestionJob abandoned = IngestionJob.pending(api.id(), T0)
                .claimedBy("gone", T0.minus(Duration.ofMinutes(2)), T0.minus(Duration.ofMinutes(3)))
                .withProgress(new Progress(10, 4, 0, 40, 16, 16, 40, 754), "c0ffee", T0.minus(Duration.ofMinutes(3)));

        StringWriter text = new StringWriter();
        Instant now = T0.plusSeconds(10);
        StatusCommand.printTable(new PrintWriter(text, true), List.of(
                new ProjectStatus(shop, processing, null, now),
                new ProjectStatus(docs, IngestionJob.pending(docs.id(), T0), null, now,
                        "queued; waiting for a worker — none has been seen for 42 min"),
                new ProjectStatus(api, abandoned, null, now)));

        List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(0)).containsPattern("NAME\\s+STATUS\\s+PROGRESS\\s+ETA\\s+FILES");
        assertThat(lines.get(1)).containsPattern("^shop\\s+PROCESSING\\s+40%\\s+12:34\\s+4\\s+40\\s");
        assertThat(lines.get(2)).containsPattern("^docs\\s+PENDING\\s+0%\\s+-\\s+0\\s+0\\s")
                .endsWith("queued; waiting for a worker — none has been seen for 42 min");
        assertThat(lines.get(3)).containsPattern("^api\\s+PROCESSING\\s+40%\\s+-\\s+4\\s+40\\s");
    }
}

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

/** The table `rag status` prints: a job being processed shows the worker's estimate of the time left. */
class StatusTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aProcessingJobShowsItsTimeLeftAndOthersADash() {
        Project shop = new Project(ProjectId.random(), "shop", "https://example.com/shop.git", null, T0);
        Project docs = new Project(ProjectId.random(), "docs", "https://example.com/docs.git", null, T0);
        IngestionJob processing = IngestionJob.pending(shop.id(), T0)
                .claimedBy("worker", T0.plus(Duration.ofMinutes(1)), T0)
                .withProgress(new Progress(10, 4, 0, 40, 16, 16, 40, 754), "c0ffee", T0.plusSeconds(5));

        StringWriter text = new StringWriter();
        StatusCommand.printTable(new PrintWriter(text, true), List.of(
                new ProjectStatus(shop, processing, null),
                new ProjectStatus(docs, IngestionJob.pending(docs.id(), T0), null)));

        List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(0)).containsPattern("NAME\\s+STATUS\\s+PROGRESS\\s+ETA\\s+FILES");
        assertThat(lines.get(1)).containsPattern("^shop\\s+PROCESSING\\s+40%\\s+12:34\\s+4\\s+40\\s");
        assertThat(lines.get(2)).containsPattern("^docs\\s+PENDING\\s+0%\\s+-\\s+0\\s+0\\s");
    }
}

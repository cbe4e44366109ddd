package dev.reporag.local;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records across releases: the estimate of the time left was added at the end of format 1's job,
 * a project's own file rules at the end of its project.
 */
class CodecTest {
    /** {@link #PROJECT} without file rules, as {@code Codec.project} wrote it before projects had them (742d10d). */
    static final byte[] PROJECT_WRITTEN_BEFORE_ITS_RULES = Base64.getDecoder().decode(
            "AQAkMGRkOTQ2ZTEtY2MwZS00YTQwLWI3MzMtNDUxMDQ1Y2VjMTcxAAVmbGFzawAAACRodHRwczovL2dpdGh1Yi5jb20vcGFsbGV0cy9m"
                    + "bGFzay5naXQBAARtYWluAAAAAGlVuQAAAAAA");
    static final Project PROJECT = new Project(new ProjectId("0dd946e1-cc0e-4a40-b733-451045cec171"), "flask",
            "https://github.com/pallets/flask.git", "main", Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aProjectWrittenBeforeItsRulesReadsWithNone() {
        assertThat(Codec.project(PROJECT_WRITTEN_BEFORE_ITS_RULES)).isEqualTo(PROJECT);
        assertThat(Codec.project(PROJECT_WRITTEN_BEFORE_ITS_RULES).paths()).isEqualTo(PathRules.NONE);
    }

    @Test
    void aProjectsRulesRoundTripAfterTheFieldsAnOlderReleaseReads() {
        Project withRules = PROJECT.withPaths(new PathRules(List.of("docs/**", "*.rst"), List.of("examples/**")));
        byte[] written = Codec.project(withRules);

        assertThat(Codec.project(written)).isEqualTo(withRules);
        int old = PROJECT_WRITTEN_BEFORE_ITS_RULES.length;
        assertThat(Arrays.copyOf(written, old)).isEqualTo(PROJECT_WRITTEN_BEFORE_ITS_RULES);
    }

    /**
     * {@link #JOB} without its estimate, as {@code Codec.job(7, …)} wrote it before jobs kept one
     * (commit 1a6b094).
     */
    static final byte[] WRITTEN_BEFORE_THE_ESTIMATE = Base64.getDecoder().decode(
            "AQAAAAAAAAAHACQ1YjBjN2MxZS02ZjBlLTRkNGEtOWE1My0yZjdkMGMzYjllMTEAJDBkZDk0NmUxLWNjMGUtNGE0MC1iNzMzLTQ1MTA0"
                    + "NWNlYzE3MQAKUFJPQ0VTU0lORwAAAA4AAAAGAAAAAwAAAAAAAAAoAAAAAAAAAB0AAAAAAAAAHQAAACoAAAAAAQEAKGViNDU1N2Zl"
                    + "NDczOGMxZjBlMGI1ZTFkMmMzYTRiNWM2ZDdlOGY5MDEAAAAAaVW5AAAAAAABAAAAAGlVuQEAAAAAAAAAAABpVbkJAAAAAAEACHdv"
                    + "cmtlci0xAQAAAABpVbknAAAAAA==");
    static final IngestionJob JOB = new IngestionJob(new JobId("5b0c7c1e-6f0e-4d4a-9a53-2f7d0c3b9e11"),
            new ProjectId("0dd946e1-cc0e-4a40-b733-451045cec171"), JobStatus.PROCESSING,
            new Progress(14, 6, 3, 40, 29, 29, 42, 754), null, 1, "eb4557fe4738c1f0e0b5e1d2c3a4b5c6d7e8f901",
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01Z"), null,
            Instant.parse("2026-01-01T00:00:09Z"), "worker-1", Instant.parse("2026-01-01T00:00:39Z"));

    @Test
    void aJobWrittenBeforeTheEstimateReadsWithNone() {
        Codec.StoredJob stored = Codec.job(WRITTEN_BEFORE_THE_ESTIMATE);

        assertThat(stored.sequence()).isEqualTo(7);
        assertThat(stored.job()).isEqualTo(new IngestionJob(JOB.id(), JOB.projectId(), JOB.status(),
                JOB.progress().withoutEta(), JOB.error(), JOB.attempts(), JOB.commit(), JOB.createdAt(),
                JOB.startedAt(), JOB.finishedAt(), JOB.updatedAt(), JOB.leaseOwner(), JOB.leaseExpiresAt()));
        assertThat(stored.job().progress().eta()).isEmpty();
    }

    @Test
    void theEstimateRoundTripsAfterTheFieldsAnOlderReleaseReads() {
        byte[] written = Codec.job(7, JOB);

        assertThat(Codec.job(written)).isEqualTo(new Codec.StoredJob(7, JOB));
        assertThat(Codec.job(written).job().progress().eta()).contains(Duration.ofSeconds(754));
        // The earlier layout, unchanged, then the estimate: an older release stops before it.
        int old = WRITTEN_BEFORE_THE_ESTIMATE.length;
        assertThat(Arrays.copyOf(written, old)).isEqualTo(WRITTEN_BEFORE_THE_ESTIMATE);
        assertThat(ByteBuffer.wrap(written, old, written.length - old).getLong()).isEqualTo(754);
        assertThat(written).hasSize(old + Long.BYTES);
    }

    @Test
    void anUnknownEstimateStaysUnknown() {
        IngestionJob pending = IngestionJob.pending(ProjectId.random(), Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(Codec.job(Codec.job(1, pending)).job().progress().etaSeconds()).isEqualTo(Progress.ETA_UNKNOWN);
    }
}

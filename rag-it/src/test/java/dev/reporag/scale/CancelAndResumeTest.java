package dev.reporag.scale;

import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a job in each long loop it runs on a real Git repository and the embedded store: the
 * walk over the listing, and embedding/storing batches. Each time the job is PENDING again, and the
 * next run resumes and ends with the same store a clean run makes. (A cancelled clone is in
 * rag-core's LongLoopsTest: a real clone is too quick here to be caught in the middle.)
 */
class CancelAndResumeTest {
    private static final int FILES = 400;
    private static final RagSettings SETTINGS = RagSettings.builder()
            .batch(new BatchPolicy(8, BatchPolicy.DEFAULT_MAX_TOKENS, Duration.ZERO, 2))
            .progressInterval(Duration.ZERO)
            .build();

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    private static Path repo;

    @BeforeAll
    static void repository() throws Exception {
        repo = shared.resolve("repo");
        ScaleFixtures.commit(repo, ScaleFixtures.files(FILES, 2), "initial");
    }

    @Test
    void cancelledDuringTheWalkItReadsNothingThenResumes() {
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), SETTINGS)) {
            Project project = stack.rag.register("big", repo.toString(), null);
            Cancellation cancellation = new Cancellation();
            stack.source.onListedInFirstListing = n -> {
                if (n == 100) {
                    cancellation.cancel();
                }
            };

            IngestionJob stopped = stack.ingest(project.id(), cancellation, IngestionListener.NONE);

            assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
            assertThat(stack.source.listed.get()).as("entries listed").isBetween(100, 110);
            assertThat(stack.source.reads.get()).isZero();
            assertThat(stack.embedder.calls()).isZero();

            stack.source.onListedInFirstListing = n -> { };
            IngestionJob resumed = stack.ingest(project.id());
            assertThat(resumed.id()).isEqualTo(stopped.id());
            assertThat(resumed.status()).isEqualTo(JobStatus.READY);
            assertThat(resumed.progress().filesDone()).isEqualTo(FILES + 1);
            assertThat(stack.contents(project.id()))
                    .isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), project, SETTINGS));
        }
    }

    @Test
    void cancelledWhileEmbeddingItKeepsWhatIsStoredAndResumesWithoutEmbeddingItAgain() {
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), SETTINGS)) {
            Project project = stack.rag.register("big", repo.toString(), null);
            Cancellation cancellation = new Cancellation();

            IngestionJob stopped = stack.ingest(project.id(), cancellation, new IngestionListener() {
                @Override
                public void onProgress(IngestionJob job, Progress progress) {
                    if (progress.chunksEmbedded() >= 120) {
                        cancellation.cancel();
                    }
                }
            });

            assertThat(stopped.status()).isEqualTo(JobStatus.PENDING);
            assertThat(stopped.leaseOwner()).isNull();
            long stored = stack.store().count(project.id());
            assertThat(stored).isBetween(120L, 180L);
            assertThat(stopped.progress().percent()).isBetween(1, 50);
            assertThat(stack.source.reads.get()).as("files read before stopping").isLessThan(FILES / 2);

            long inputs = stack.embedder.inputs();
            IngestionJob resumed = stack.ingest(project.id());

            assertThat(resumed.status()).isEqualTo(JobStatus.READY);
            long total = stack.store().count(project.id());
            // A batch already being written when the job stopped may land just after it was counted.
            long inFlight = (long) SETTINGS.batch().concurrency() * SETTINGS.batch().maxInputs();
            assertThat(resumed.progress().chunksEmbedded()).isBetween(total - stored - inFlight, total - stored);
            assertThat(stack.embedder.inputs() - inputs).isEqualTo(resumed.progress().chunksEmbedded());
            Map<String, String> contents = stack.contents(project.id());
            assertThat(contents).hasSize((int) total)
                    .isEqualTo(ScaleFixtures.freshIndex(tmp.resolve("fresh"), project, SETTINGS));
        }
    }
}

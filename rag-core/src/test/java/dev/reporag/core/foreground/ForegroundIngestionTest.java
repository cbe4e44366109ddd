package dev.reporag.core.foreground;

import dev.reporag.core.RepoRag;
import dev.reporag.core.foreground.ForegroundIngestion.Selection;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.port.NotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForegroundIngestionTest {
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final SettableClock clock = new SettableClock();
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final RepoRag rag = RepoRag.builder().source(source).embedder(embedder)
            .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(jobs)
            .conversations(new InMemoryConversationRepository()).clock(clock).build();
    private final ForegroundIngestion foreground = new ForegroundIngestion(rag, Duration.ofMillis(5));

    @AfterEach
    void close() {
        rag.close();
    }

    private Project project(String name) {
        source.commit("mem://" + name, Map.of("src/" + name + ".py", "def " + name + "():\n    return 1\n"));
        return rag.register(name, "mem://" + name, null);
    }

    @Test
    void runsTheProjectsIngestionHereToItsEnd() throws Exception {
        Project shop = project("shop");

        IngestionJob job = foreground.run(shop.id(), IngestionListener.NONE, new Cancellation());

        assertThat(job.status()).isEqualTo(JobStatus.READY);
        assertThat(rag.status(shop.id()).status()).isEqualTo(JobStatus.READY);
    }

    @Test
    void followsAnotherWorkersJobAndTakesItOverWhenItsLeaseRunsOut() throws Exception {
        Project shop = project("shop");
        IngestionJob requested = rag.requestIngestion(shop.id());
        assertThat(jobs.claimJob(requested.id(), "a-worker-that-dies", clock.instant(), rag.settings().lease()))
                .isPresent();
        CountDownLatch followed = new CountDownLatch(3);
        IngestionListener listener = new IngestionListener() {
            @Override
            public void onProgress(IngestionJob job, Progress progress) {
                followed.countDown();
            }
        };

        CompletableFuture<IngestionJob> run = CompletableFuture.supplyAsync(() -> {
            try {
                return foreground.run(shop.id(), listener, new Cancellation());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(followed.await(10, TimeUnit.SECONDS)).as("the other worker's job is followed").isTrue();
        assertThat(run).isNotDone();
        clock.advance(rag.settings().lease().plusSeconds(1));
        IngestionJob job = run.get(10, TimeUnit.SECONDS);
        assertThat(job.status()).isEqualTo(JobStatus.READY);
        assertThat(job.id()).isEqualTo(requested.id());
    }

    @Test
    void aCancelledFollowStopsWithTheJobAsItWasLastSeen() throws Exception {
        Project shop = project("shop");
        IngestionJob requested = rag.requestIngestion(shop.id());
        jobs.claimJob(requested.id(), "another-worker", clock.instant(), rag.settings().lease());
        Cancellation cancellation = new Cancellation();
        IngestionListener cancelOnFirstLook = new IngestionListener() {
            @Override
            public void onProgress(IngestionJob job, Progress progress) {
                cancellation.cancel();
            }
        };

        IngestionJob job = foreground.run(shop.id(), cancelOnFirstLook, cancellation);

        assertThat(job.status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void selectsThePendingProjectsWhenNothingIsNamed() throws Exception {
        Project pending = project("pending");
        Project ready = project("ready");
        foreground.run(ready.id(), IngestionListener.NONE, new Cancellation());

        Selection selection = Selection.of(null, false, false);

        assertThat(selection.defaulted()).isTrue();
        assertThat(names(foreground.select(selection))).containsExactly(pending.name());
        assertThat(Selection.of(null, true, false).defaulted()).isFalse();
    }

    @Test
    void selectsTheNamedProjectFirstThenTheFailedOnesAndNoneTwice() throws Exception {
        Project broken = rag.register("broken", "mem://missing", null);
        assertThat(foreground.run(broken.id(), IngestionListener.NONE, new Cancellation()).status())
                .isEqualTo(JobStatus.FAILED);
        Project ready = project("ready");
        foreground.run(ready.id(), IngestionListener.NONE, new Cancellation());
        project("pending");

        assertThat(names(foreground.select(Selection.of("ready", false, true)))).containsExactly("ready", "broken");
        assertThat(names(foreground.select(Selection.of("broken", true, true))))
                .containsExactly("broken", "pending");
        assertThatThrownBy(() -> foreground.select(Selection.of("nope", false, false)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("'nope'");
    }

    @Test
    void processingAFailedProjectRetriesIt() throws Exception {
        Project shop = rag.register("shop", "mem://shop", null);
        foreground.run(shop.id(), IngestionListener.NONE, new Cancellation());
        source.commit("mem://shop", Map.of("a.py", "def a():\n    return 1\n"));
        ProjectStatus failed = foreground.select(Selection.of(null, false, true)).get(0);

        assertThat(foreground.process(failed, IngestionListener.NONE, new Cancellation()).status())
                .isEqualTo(JobStatus.READY);
    }

    private static List<String> names(List<ProjectStatus> statuses) {
        return statuses.stream().map(s -> s.project().name()).toList();
    }

    /** A clock the test moves, so that a lease runs out without waiting for it. */
    private static final class SettableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package dev.reporag.core.sync;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.sync.Refresh.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class RefresherTest {
    private static final String REPO = "https://github.com/acme/shop.git";
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final HashingEmbedder embedder = new HashingEmbedder(32, 4000);
    private final RepoRag rag = RepoRag.builder().source(source).embedder(embedder)
            .vectorStore(new InMemoryVectorStore(32)).jobs(jobs)
            .conversations(new InMemoryConversationRepository()).build();

    @AfterEach
    void close() {
        rag.close();
    }

    private Project readyProject(String name, String repo) {
        source.commit(repo, Map.of("src/A.java", "class A {}\n"));
        Project project = rag.register(name, repo, null);
        rag.requestIngestion(project.id());
        assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);
        return project;
    }

    private static PushEvent push(String commit) {
        return new PushEvent(List.of("https://github.com/Acme/Shop", "git@github.com:acme/shop.git"),
                "refs/heads/main", commit, "main");
    }

    @Test
    void syncQueuesOnlyWhenTheRemoteMovedAndShowsBothCommits() {
        Project shop = readyProject("shop", REPO);
        String indexed = rag.status(shop.id()).indexedCommit().orElseThrow();

        Refresh same = rag.sync(shop.id());
        assertThat(same.outcome()).isEqualTo(Outcome.UP_TO_DATE);
        assertThat(same.describe()).isEqualTo("shop: up to date at " + indexed.substring(0, 7));
        assertThat(jobs.latestJob(shop.id()).orElseThrow().status()).isEqualTo(JobStatus.READY);
        assertThat(rag.status(shop.id()).remoteMoved()).isFalse();
        assertThat(source.remoteHeadReads()).isEqualTo(1);

        String moved = source.commit(REPO, Map.of("src/A.java", "class A { int b; }\n"));
        Refresh queued = rag.sync(shop.id());
        assertThat(queued.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(queued.describe()).isEqualTo("shop: index at " + indexed.substring(0, 7) + ", ref at "
                + moved.substring(0, 7) + ": re-index queued");
        ProjectStatus status = rag.status(shop.id());
        assertThat(status.remoteMoved()).isTrue();
        assertThat(status.remoteHead().orElseThrow().commit()).isEqualTo(moved);
        assertThat(status.indexedCommit()).contains(indexed);

        Refresh again = rag.sync(shop.id());
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_QUEUED);
        assertThat(again.job()).isEqualTo(queued.job());

        IngestionJob done = rag.processNext("w").orElseThrow();
        assertThat(done.commit()).isEqualTo(moved);
        assertThat(rag.processNext("w")).as("no follow-up: the index is at the remote's commit").isEmpty();
        assertThat(rag.sync(shop.id()).outcome()).isEqualTo(Outcome.UP_TO_DATE);
        assertThat(rag.status(shop.id()).remoteMoved()).isFalse();
    }

    @Test
    void aBurstOfPushesBecomesOneJobForTheNewestCommit() {
        Project shop = readyProject("shop", REPO);
        String c2 = source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));
        List<Refresh> first = rag.push(push(c2));
        String c3 = source.commit(REPO, Map.of("src/A.java", "class A { int three; }\n"));
        List<Refresh> second = rag.push(push(c3));
        String c4 = source.commit(REPO, Map.of("src/A.java", "class A { int four; }\n"));
        List<Refresh> third = rag.push(push(c4));
        rag.push(push(c4)); // a redelivery

        assertThat(first).singleElement().extracting(Refresh::outcome).isEqualTo(Outcome.QUEUED);
        assertThat(second).singleElement().extracting(Refresh::outcome).isEqualTo(Outcome.ALREADY_QUEUED);
        assertThat(third.get(0).job()).isEqualTo(first.get(0).job());
        assertThat(source.remoteHeadReads()).as("a push names its commit: no ls-remote").isZero();

        IngestionJob job = rag.processNext("w").orElseThrow();
        assertThat(job.id()).isEqualTo(first.get(0).job());
        assertThat(job.commit()).isEqualTo(c4);
        assertThat(rag.processNext("w")).isEmpty();
        assertThat(rag.push(push(c4))).singleElement().extracting(Refresh::outcome).isEqualTo(Outcome.UP_TO_DATE);
    }

    @Test
    void aPushDuringARunAtAnOlderCommitIsFollowedByOneMoreJob() {
        Project shop = readyProject("shop", REPO);
        source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));
        IngestionJob queued = rag.requestIngestion(shop.id());
        List<Refresh> heard = new CopyOnWriteArrayList<>();
        String[] pushed = new String[1];
        IngestionJob ended = rag.process(queued.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onProgress(IngestionJob job, dev.reporag.core.model.Progress progress) {
                if (pushed[0] == null) {
                    // While the job indexes the commit it resolved (saved with its progress), a newer one is pushed.
                    pushed[0] = source.commit(REPO, Map.of("src/A.java", "class A { int three; }\n"));
                    heard.addAll(rag.push(push(pushed[0])));
                }
            }
        }).orElseThrow();

        assertThat(heard).singleElement().extracting(Refresh::outcome).isEqualTo(Outcome.FOLLOWS_RUNNING_JOB);
        assertThat(ended.status()).isEqualTo(JobStatus.READY);
        assertThat(ended.commit()).isNotEqualTo(pushed[0]);
        IngestionJob followUp = jobs.latestJob(shop.id()).orElseThrow();
        assertThat(followUp.status()).isEqualTo(JobStatus.PENDING);
        assertThat(rag.processNext("w").orElseThrow().commit()).isEqualTo(pushed[0]);
        assertThat(rag.processNext("w")).as("one follow-up only").isEmpty();
    }

    @Test
    void pushesToOtherRepositoriesRefsOrDeletionsDoNothing() {
        Project shop = readyProject("shop", REPO);
        String c2 = source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));

        assertThat(rag.push(new PushEvent(List.of("https://github.com/acme/other.git"), "refs/heads/main", c2,
                "main"))).isEmpty();
        assertThat(rag.push(new PushEvent(List.of(REPO), "refs/heads/feature", c2, "main"))).isEmpty();
        assertThat(rag.push(new PushEvent(List.of(REPO), "refs/heads/main",
                "0000000000000000000000000000000000000000", "main"))).isEmpty();
        assertThat(jobs.latestJob(shop.id()).orElseThrow().status()).isEqualTo(JobStatus.READY);
        assertThat(rag.status(shop.id()).remoteHead()).isEmpty();
    }

    @Test
    void aProjectOnABranchFollowsThatBranchOnly() {
        source.commit(REPO, Map.of("src/A.java", "class A {}\n"));
        String first = source.commit(REPO, Map.of("src/A.java", "class A { int x; }\n"));
        // In memory a ref names a commit; a project tracking a branch name is matched by the push's ref.
        Project pinned = rag.register("pinned", REPO, first);
        rag.requestIngestion(pinned.id());
        rag.processNext("w");

        assertThat(rag.sync(pinned.id()).outcome()).isEqualTo(Outcome.PINNED);
        assertThat(rag.push(new PushEvent(List.of(REPO), "refs/heads/main", "a".repeat(40), "main"))).isEmpty();
    }

    @Test
    void projectsThatAreNotReadyAreSkippedAndAnUnreadableRemoteDoesNotStopTheOthers() {
        Project shop = readyProject("shop", REPO);
        Project fresh = rag.register("fresh", "https://github.com/acme/fresh.git", null);
        source.commit("https://github.com/acme/gone.git", Map.of("a.py", "x = 1\n"));
        Project gone = readyProject("gone", "https://github.com/acme/gone2.git");
        // The repository of 'gone' disappears from the host.
        Project broken = new Project(gone.id(), gone.name(), "https://github.com/acme/missing.git", null,
                gone.createdAt());
        jobs.saveProject(broken);
        source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));

        List<Refresh> done = rag.sync();

        assertThat(done).extracting(r -> r.project().name(), Refresh::outcome).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("shop", Outcome.QUEUED),
                org.assertj.core.groups.Tuple.tuple("fresh", Outcome.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("gone", Outcome.ERROR));
        assertThat(done).filteredOn(r -> r.outcome() == Outcome.ERROR).singleElement()
                .extracting(Refresh::describe).asString().contains("could not read the remote")
                .contains("missing.git");
        assertThat(jobs.latestJob(fresh.id())).isEmpty();
        assertThat(jobs.latestJob(shop.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void aFailedProjectIsNotRetriedBySync() {
        Project shop = readyProject("shop", REPO);
        source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));
        IngestionJob job = rag.requestIngestion(shop.id());
        jobs.claimJob(job.id(), "w", java.time.Instant.now(), Duration.ofSeconds(30));
        jobs.finish(job.id(), "w", new dev.reporag.core.model.JobOutcome.Failed("boom"), java.time.Instant.now());

        Refresh refresh = rag.sync(shop.id());
        assertThat(refresh.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(refresh.describe()).contains("FAILED");
        assertThat(jobs.latestJob(shop.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aScheduledSyncRunsAtOnceAndThenEveryInterval() throws Exception {
        Project shop = readyProject("shop", REPO);
        List<List<Refresh>> runs = new CopyOnWriteArrayList<>();
        try (AutoCloseable schedule = rag.startSync(Duration.ofMillis(50), runs::add)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (runs.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(runs.size()).isGreaterThanOrEqualTo(3);
            assertThat(runs.get(0)).singleElement().extracting(Refresh::outcome).isEqualTo(Outcome.UP_TO_DATE);
            source.commit(REPO, Map.of("src/A.java", "class A { int two; }\n"));
            int seen = runs.size();
            while (runs.size() < seen + 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(jobs.latestJob(shop.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        int after = runs.size();
        Thread.sleep(200);
        assertThat(runs.size()).as("closing the handle stops the runs").isLessThanOrEqualTo(after + 1);
    }

    @Test
    void repositoryUrlsOfOneRepositoryAreTheSame() {
        assertThat(List.of("https://github.com/Acme/Shop.git", "https://github.com/acme/shop",
                "https://github.com/acme/shop/", "git@github.com:acme/shop.git", "ssh://git@github.com:22/acme/shop.git",
                "http://user@github.com/acme/shop.git"))
                .extracting(SourceUrls::normalise).containsOnly("github.com/acme/shop");
        assertThat(SourceUrls.normalise("https://gitlab.com/group/sub/proj.git")).isEqualTo("gitlab.com/group/sub/proj");
        assertThat(SourceUrls.normalise("https://github.com/acme/shop-api")).isNotEqualTo("github.com/acme/shop");
    }
}

package dev.reporag.core.contract;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project deleted while its ingestion is embedding keeps nothing, on any set of stores: the batch
 * in flight lands after the delete and is removed again, the worker stops, no chunk, job or
 * conversation is left. {@code DeleteDuringIngestionTest} in rag-it runs the worker in another
 * process against PostgreSQL.
 */
public abstract class DeleteDuringIngestionContract {
    /** The stores a {@link RepoRag} runs on; closing closes what they hold open. */
    public record Stores(VectorStore vectors, JobRepository jobs, ConversationRepository conversations,
                            AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resources.close();
        }
    }

    /** Fresh, empty stores for vectors of this model. */
    protected abstract Stores open(String modelId, int dimension) throws Exception;

    @Test
    void aBatchInFlightWhenTheProjectIsDeletedLeavesNothing() throws Exception {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        Map<String, String> files = new HashMap<>();
        for (int f = 0; f < 20; f++) {
            files.put("src/F" + f + ".java", "class F" + f + " {\n" + "    int v" + f + " = 1;\n".repeat(60) + "}\n");
        }
        source.commit("mem://big", files);
        HashingEmbedder hashing = new HashingEmbedder();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch thirdCallStarted = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        Embedder slowOnTheThirdCall = new HashingEmbedderWith(texts -> {
            if (calls.incrementAndGet() == 3) {
                thirdCallStarted.countDown();
                try {
                    deleted.await(10, TimeUnit.SECONDS); // its vectors come back after the delete
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return hashing.embedAll(texts);
        });
        Stores stores = open(hashing.modelId(), hashing.dimension());
        VectorStore store = stores.vectors();
        JobRepository jobs = stores.jobs();
        ConversationRepository conversations = stores.conversations();
        RagSettings settings = RagSettings.defaults().toBuilder().batch(new BatchPolicy(4, 100_000, Duration.ZERO, 1))
                .build();
        try (RepoRag rag = RepoRag.builder().source(source).embedder(slowOnTheThirdCall).vectorStore(store).jobs(jobs)
                .conversations(conversations).settings(settings).build(); stores) {
            Project project = rag.register("big", "mem://big", null);
            String conversation = conversations.start(project.id(), Instant.now());
            rag.requestIngestion(project.id());
            CompletableFuture<Optional<IngestionJob>> worker = CompletableFuture.supplyAsync(() -> rag.processNext("w"));
            assertThat(thirdCallStarted.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(store.count(project.id())).as("batches stored before the delete").isPositive();

            rag.delete(project.id());
            deleted.countDown();
            worker.get(20, TimeUnit.SECONDS);

            assertThat(store.count(project.id())).as("chunks left").isZero();
            assertThat(store.chunkKeys(project.id()).keySet()).isEmpty();
            assertThat(jobs.latestJob(project.id())).isEmpty();
            assertThat(rag.project(project.id())).isEmpty();
            assertThat(conversations.projectOf(conversation)).as("the project's conversation").isEmpty();
            assertThat(conversations.turns(conversation)).isEmpty();
            assertThat(calls.get()).as("the worker stopped at the deleted project").isLessThan(10);
        }
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Vectors reused by content across projects, and a model switch that never leaves a project unanswerable. */
class ReuseAndModelSwitchTest {
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemoryConversationRepository conversations = new InMemoryConversationRepository();
    private final RagSettings settings = RagSettings.builder()
            .batch(new BatchPolicy(5, 100_000, Duration.ZERO, 2))
            .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(50)))
            .lease(Duration.ofSeconds(5))
            .progressInterval(Duration.ZERO)
            .build();
    private final HashingEmbedder small = new HashingEmbedder(32, 4000);
    private final InMemoryVectorStore smallStore = new InMemoryVectorStore(
            new EmbeddingModel(small.modelId(), small.dimension()));
    private final RepoRag rag = rag(small, smallStore);
    private RepoRag other;

    private RepoRag rag(HashingEmbedder embedder, InMemoryVectorStore store) {
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(jobs)
                .conversations(conversations).settings(settings).build();
    }

    @AfterEach
    void close() {
        rag.close();
        if (other != null) {
            other.close();
        }
    }

    private static IngestionJob ingest(RepoRag rag, Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    private static Map<String, String> files(int changed) {
        Map<String, String> files = new TreeMap<>(IngestionTest.repository());
        if (changed >= 0) {
            files.put("src/Service" + changed + ".java", files.get("src/Service" + changed + ".java")
                    .replace("int doubled = value + value;", "int doubled = 2 * value; // changed"));
        }
        return files;
    }

    @Test
    void aSecondProjectOfTheSameRepositoryEmbedsOnlyTheChunksThatDiffer() {
        source.commit("mem://main", files(-1));
        source.commit("mem://branch", files(2));
        Project main = rag.register("main", "mem://main", null);
        IngestionJob first = ingest(rag, main);
        long firstInputs = small.inputs();
        assertThat(first.progress().chunksEmbedded()).isEqualTo(firstInputs).isGreaterThan(15);

        Project branch = rag.register("branch", "mem://branch", null);
        IngestionJob second = ingest(rag, branch);

        long embedded = small.inputs() - firstInputs;
        assertThat(second.status()).isEqualTo(JobStatus.READY);
        assertThat(second.progress().chunksEmbedded()).isEqualTo(embedded);
        // Only the chunks of the one changed file, far fewer than the whole project.
        assertThat(embedded).isPositive().isLessThan(smallStore.count(branch.id()) / 4);
        assertThat(smallStore.count(branch.id())).isEqualTo(smallStore.count(main.id()));
        assertThat(rag.ask(branch.id(), "what does method3 of Service4 return?", null).citations()).isNotEmpty();

        // Deleting the first project keeps what the second uses: indexing it again embeds only its own file.
        rag.delete(main.id());
        Project again = rag.register("again", "mem://main", null);
        long before = small.inputs();
        ingest(rag, again);
        assertThat(small.inputs() - before).isEqualTo(embedded);
    }

    @Test
    void vectorsFreedBetweenTheLookupAndTheWriteAreEmbeddedAfterAllAndTheJobEndsReady() {
        source.commit("mem://main", files(-1));
        // Every service differs by a line: too far from main's index to start from it, so each chunk
        // of the branch is looked up by key (most of them found).
        Map<String, String> everywhere = files(-1);
        everywhere.replaceAll((path, text) -> path.startsWith("src/Service")
                ? text.replace("int doubled = value + value;", "int doubled = 2 * value; // changed") : text);
        source.commit("mem://branch", everywhere);
        Project main = rag.register("main", "mem://main", null);
        ingest(rag, main);
        long chunks = smallStore.count(main.id());

        // The first project is deleted right after the second one's first lookup found its vectors.
        AtomicBoolean deleted = new AtomicBoolean();
        VectorStore racing = (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(smallStore, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("heldKeys") && !((Set<?>) result).isEmpty()
                            && deleted.compareAndSet(false, true)) {
                        smallStore.deleteProject(main.id());
                    }
                    return result;
                });
        other = RepoRag.builder().source(source).embedder(small).vectorStore(racing).jobs(jobs)
                .conversations(conversations).settings(settings).build();
        Project branch = other.register("branch", "mem://branch", null);
        long before = small.inputs();
        IngestionJob second = ingest(other, branch);

        assertThat(deleted).isTrue();
        assertThat(second.status()).isEqualTo(JobStatus.READY);
        assertThat(smallStore.count(branch.id())).isEqualTo(chunks);
        // Nothing was left pointing at a freed vector: every chunk was embedded after all.
        assertThat(small.inputs() - before).isEqualTo(chunks);
        assertThat(second.progress().chunksEmbedded()).isEqualTo(chunks);
        assertThat(other.ask(branch.id(), "what does method3 of Service4 return?", null).citations()).isNotEmpty();
    }

    @Test
    void aModelSwitchBuildsBesideTheOldIndexWhichKeepsAnsweringAndSwitchesWhenComplete() {
        source.commit("mem://main", files(-1));
        Project project = rag.register("main", "mem://main", null);
        ingest(rag, project);
        EmbeddingModel first = smallStore.model();
        String question = "what does method3 of Service4 return?";

        HashingEmbedder wide = new HashingEmbedder(48, 4000);
        InMemoryVectorStore wideStore = smallStore.forModel(new EmbeddingModel(wide.modelId(), wide.dimension()));
        // One request at a time: "fails after 2 calls" then fails the third request, whatever the
        // order in which two senders would reach the API on a loaded machine.
        other = RepoRag.builder().source(source).embedder(wide).vectorStore(wideStore).jobs(jobs)
                .conversations(conversations).settings(settings.toBuilder()
                        .batch(new BatchPolicy(5, 100_000, Duration.ZERO, 1)).build()).build();

        // The new model cannot read the old vectors: a clear message, never a dimension error.
        assertThatThrownBy(() -> other.ask(project.id(), question, null))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("indexed with embedding model " + first)
                .hasMessageContaining("rag reembed --project-id " + project.id());
        assertThat(other.status(project.id()).modelSwitch()).hasValueSatisfying(note ->
                assertThat(note).contains("run rag reembed"));
        // A plain re-index with the new model refuses to replace the index, which still answers.
        IngestionJob refused = ingest(other, project);
        assertThat(refused.status()).isEqualTo(JobStatus.FAILED);
        assertThat(refused.error()).contains("run `rag reembed");
        assertThat(rag.ask(project.id(), question, null).citations()).isNotEmpty();

        // A re-embedding that fails leaves the old index answering.
        RepoRag.Reembedding failing = other.reembed(project.id());
        assertThat(failing.job()).isNotNull();
        assertThat(other.status(project.id()).modelSwitch()).contains("re-embedding for model "
                + wideStore.model() + ": 0 %");
        wide.failAfter(2, EmbeddingException.permanent("the new model's API refused the key"));
        IngestionJob failed = other.process(failing.job().id(), "w", new Cancellation(), IngestionListener.NONE)
                .orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(smallStore.models(project.id())).isEqualTo(new ProjectModels(first, wideStore.model()));
        assertThat(rag.ask(project.id(), question, null).citations()).isNotEmpty();
        assertThat(other.status(project.id()).modelSwitch()).hasValueSatisfying(note ->
                assertThat(note).contains("the last re-embedding FAILED; the old index is unchanged"));

        // Again, working: it resumes from the vectors already built, then switches at once.
        wide.stopFailing();
        long builtBefore = wideStore.count(project.id());
        IngestionJob done = other.process(other.reembed(project.id()).job().id(), "w", new Cancellation(),
                IngestionListener.NONE).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(builtBefore).isPositive();
        assertThat(done.progress().chunksEmbedded()).isEqualTo(wideStore.count(project.id()) - builtBefore);
        assertThat(wideStore.models(project.id())).isEqualTo(new ProjectModels(wideStore.model(), null));
        assertThat(other.ask(project.id(), question, null).citations()).isNotEmpty();
        assertThat(other.status(project.id()).modelSwitch()).isEmpty();
        assertThat(smallStore.count(project.id())).as("the old model's chunks are removed").isZero();
        assertThatThrownBy(() -> rag.ask(project.id(), question, null))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("indexed with embedding model " + wideStore.model());
        assertThat(other.reembed(project.id()).job()).as("nothing left to do").isNull();
        assertThat(other.reembedAll()).isEmpty();
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.NotebooksTest;
import dev.reporag.core.policy.RagSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A notebook of mostly outputs is indexed by its cells, its chunks citing the notebook's own lines. */
class NotebookIngestionTest {
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private final RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store)
            .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository())
            .settings(RagSettings.builder().build()).build();

    @AfterEach
    void close() {
        rag.close();
    }

    @Test
    void aNotebooksChunksCiteItsOwnLines() {
        String notebook = NotebooksTest.notebook("iVBORw0KGgo".repeat(20_000));
        source.commit("mem://ml", Map.of("churn.ipynb", notebook));
        Project project = rag.register("ml", "mem://ml", null);
        IngestionJob job = rag.requestIngestion(project.id());

        IngestionJob done = rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        List<ScoredChunk> found = store.keywordSearch(project.id(), "GradientBoostingClassifier", 5);
        assertThat(found).hasSize(1);
        Chunk chunk = found.get(0).chunk();
        assertThat(chunk.text()).contains("def train(frame):").doesNotContain("iVBOR");
        assertThat(chunk.language()).as("the kernel's language, not the extension's").isEqualTo("python");
        List<String> lines = notebook.lines().toList();
        assertThat(lines.get(chunk.startLine() - 1)).contains("# Churn model");
        assertThat(lines.get(chunk.endLine() - 1)).contains("return model.fit");
    }
}

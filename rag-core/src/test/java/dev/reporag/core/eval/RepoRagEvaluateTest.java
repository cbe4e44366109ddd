package dev.reporag.core.eval;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code RepoRag.evaluate} end to end on in-memory adapters: the use case behind {@code rag eval}. */
class RepoRagEvaluateTest {
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder(256, 4000);
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private final RepoRag rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store)
            .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository()).build();

    @AfterEach
    void close() {
        rag.close();
    }

    private Project ready(String repo) {
        Project project = rag.register("shop", repo, null);
        rag.requestIngestion(project.id());
        rag.processNext("w");
        assertThat(rag.status(project.id()).status()).isEqualTo(JobStatus.READY);
        return project;
    }

    @Test
    void scoresTheProjectsOwnQuestionsAndLeavesItsIndexAsItWas() {
        EvaluationTest.commitShop(source);
        Project project = ready("mem://shop");
        long chunks = store.count(project.id());
        List<String> progress = new ArrayList<>();

        EvalReport report = rag.evaluate(project.id(), 10, progress::add);

        assertThat(report.overall().questions()).isEqualTo(3);
        assertThat(report.byKind()).containsOnlyKeys(EvalQuestion.HISTORY, EvalQuestion.DOC);
        assertThat(report.byKind().get(EvalQuestion.HISTORY).questions()).isEqualTo(1);
        assertThat(report.results()).allSatisfy(r -> assertThat(r.top()).isNotEmpty());
        assertThat(report.overall().recall5()).isBetween(0.0, 1.0);
        assertThat(report.overall().mrr()).isLessThanOrEqualTo(report.overall().recall5() + 1e-9)
                .isGreaterThanOrEqualTo(report.overall().recall1() - 1e-9);
        assertThat(report.notes()).anyMatch(n -> n.startsWith("history: 1 of the 3 commits"));
        assertThat(progress).anyMatch(line -> line.startsWith("tree 1/"));
        // The scratch index is gone, the project's own is untouched.
        assertThat(store.count(StoreEvalIndex.scratchOf(project.id()))).isZero();
        assertThat(store.count(project.id())).isEqualTo(chunks);
    }

    @Test
    void aProjectThatIsNotReadyOrHasNothingToAskAboutGetsAClearMessage() {
        source.commit("mem://tiny", "Initial import", Map.of("src/A.java", "class A { void run() {} }\n"));
        Project pending = rag.register("tiny", "mem://tiny", null);

        assertThatThrownBy(() -> rag.evaluate(pending.id(), 10, line -> { }))
                .isInstanceOf(ConflictException.class)
                .hasMessage("project 'tiny' is not READY: run its ingestion, then evaluate it");

        rag.requestIngestion(pending.id());
        rag.processNext("w");
        assertThatThrownBy(() -> rag.evaluate(pending.id(), 10, line -> { }))
                .isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("no question could be made from 'tiny': history: 1 commit of history")
                .hasMessageContaining("doc comments: 0 source files");
        assertThatThrownBy(() -> rag.evaluate(pending.id(), 1, line -> { }))
                .isInstanceOf(InvalidInputException.class);
    }
}

package dev.reporag.git;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.reporag.git.TestRepository.Entry.submodule;
import static dev.reporag.git.TestRepository.Entry.symlink;
import static dev.reporag.git.TestRepository.Entry.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The core's ingestion use case with this adapter as its source, over smart HTTP. */
class GitIngestionTest {
    @TempDir
    Path temp;

    private GitHttpTestServer server;
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private RepoRag rag;

    @BeforeEach
    void setUp() throws IOException {
        server = new GitHttpTestServer(temp.resolve("served"));
        JGitRepositorySource source = new JGitRepositorySource(
                GitSourceSettings.defaults(temp.resolve("cache")).withAllowLocalSources(true));
        rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository()).build();
    }

    @AfterEach
    void tearDown() {
        rag.close();
        server.close();
    }

    private IngestionJob ingest(Project project) {
        rag.requestIngestion(project.id());
        return rag.processNext("test-worker").orElseThrow();
    }

    @Test
    void indexesARepositoryThenOnlyWhatChanged() throws Exception {
        String body = "public class Greeter {\n" + "  String greet(String name) { return \"hi \" + name; }\n".repeat(20)
                + "}\n";
        String first;
        String second;
        try (TestRepository repository = TestRepository.create(temp.resolve("served/app.git"))) {
            first = repository.commit("main", List.of(text("src/Greeter.java", body), text("src/Util.java",
                    "class Util { static int twice(int x) { return 2 * x; } }\n"), symlink("secrets", "/etc/passwd"),
                    submodule("vendor/lib", "0123456789abcdef0123456789abcdef01234567")));
        }
        Project project = rag.register("app", server.url("app.git"), null);
        IngestionJob job = ingest(project);
        assertThat(job.status()).as(job.errorMessage().orElse("")).isEqualTo(JobStatus.READY);
        assertThat(rag.status(project.id()).indexedCommit()).contains(first);
        int callsAfterFirst = embedder.calls();
        long chunks = store.count(project.id());
        assertThat(chunks).isPositive();

        IngestionJob unchanged = ingest(project);
        assertThat(unchanged.status()).isEqualTo(JobStatus.READY);
        assertThat(embedder.calls()).as("an unchanged repository embeds nothing").isEqualTo(callsAfterFirst);

        try (TestRepository repository = TestRepository.open(temp.resolve("served/app.git"))) {
            second = repository.commit("main", List.of(text("src/Greeter.java", body),
                    text("src/Util.java", "class Util { static int thrice(int x) { return 3 * x; } }\n")));
        }
        IngestionJob changed = ingest(project);
        assertThat(changed.status()).as(changed.errorMessage().orElse("")).isEqualTo(JobStatus.READY);
        assertThat(rag.status(project.id()).indexedCommit()).contains(second);
        assertThat(changed.progress().chunksEmbedded()).as("only the changed file is embedded").isEqualTo(1);
        assertThat(store.keywordSearch(project.id(), "thrice", 5)).isNotEmpty();
        assertThat(store.keywordSearch(project.id(), "twice", 5)).isEmpty();
    }

    @Test
    void aRefusedSourceIsRefusedAtRegistrationAndAFailedFetchFailsTheJob() {
        JGitRepositorySource strict = new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache")));
        try (RepoRag strictRag = RepoRag.builder().source(strict).embedder(embedder).vectorStore(store)
                .jobs(new InMemoryJobRepository()).conversations(new InMemoryConversationRepository()).build()) {
            assertThatThrownBy(() -> strictRag.register("meta", "https://169.254.169.254/latest", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("link-local");
        }
        Project missing = rag.register("missing", server.url("missing.git"), null);
        IngestionJob job = ingest(missing);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.errorMessage()).contains("repository not found: " + server.url("missing.git"));
    }
}

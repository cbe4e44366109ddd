package dev.reporag.core;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The register-or-find rule that the CLI's add and the API's POST /api/projects share. */
class RegistrationTest {
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final RepoRag rag = RepoRag.builder().source(new InMemoryRepositorySource()).embedder(embedder)
            .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(new InMemoryJobRepository())
            .conversations(new InMemoryConversationRepository()).build();

    @AfterEach
    void close() {
        rag.close();
    }

    @Test
    void aRegisteredSourceIsThatProjectWhateverTheNameAsked() {
        RepoRag.Registration first = rag.registerOrFind("shop", "mem://shop", null);
        RepoRag.Registration again = rag.registerOrFind("another", " mem://shop ", null);

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.project()).isEqualTo(first.project());
        assertThat(rag.statuses()).hasSize(1);
    }

    @Test
    void anotherRefIsAnotherProject() {
        RepoRag.Registration main = rag.registerOrFind("shop", "mem://shop", null);
        RepoRag.Registration dev = rag.registerOrFind("shop-dev", "mem://shop", "dev");

        assertThat(dev.created()).isTrue();
        assertThat(dev.project().id()).isNotEqualTo(main.project().id());
        assertThat(rag.registerOrFind("x", "mem://shop", "dev").project()).isEqualTo(dev.project());
    }

    @Test
    void aNameTakenByAnotherSourceIsAConflictNamingThatSource() {
        rag.registerOrFind("shop", "mem://shop", null);

        assertThatThrownBy(() -> rag.registerOrFind("shop", "mem://other", null)).isInstanceOf(ConflictException.class)
                .hasMessage("a project named 'shop' already exists for mem://shop");
        assertThatThrownBy(() -> rag.registerOrFind(" ", "mem://other", null))
                .isInstanceOf(InvalidInputException.class);
        assertThat(rag.statuses()).hasSize(1);
    }
}

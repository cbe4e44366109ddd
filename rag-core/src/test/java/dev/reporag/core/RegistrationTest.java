package dev.reporag.core;

import dev.reporag.core.model.Project;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    void namesWithInvisibleOrDirectionCharactersAndBadRefsAreRefused() {
        for (String name : new String[] {"shop\u200b", "admin\u202eTXT", "a\u2066b", "a\u0000b", "a\u001bb", "\ufeffshop"}) {
            assertThatThrownBy(() -> rag.registerOrFind(name, "mem://shop", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("a project name must be");
        }
        for (String ref : new String[] {"main\u0000", "ma in", "x".repeat(256), "v1\u202e"}) {
            assertThatThrownBy(() -> rag.registerOrFind("shop", "mem://shop", ref))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("a ref is a branch, tag or commit");
        }
        assertThat(rag.findProject("sh\u0000op")).isEmpty();
        assertThat(rag.registerOrFind("Café ☕ 日本", "mem://shop", "release/v1.2").created()).isTrue();
        assertThat(rag.statuses()).hasSize(1);
    }

    /** An address copied from a Git host's page of a branch or file is that repository at that ref. */
    @Test
    void aPageOfAGitHostIsItsRepositoryAtTheRefItShows() {
        RepoRag.Registration page = rag.registerOrFind(null, "https://github.com/acme/shop/tree/develop/src", null);

        assertThat(page.project().source()).isEqualTo("https://github.com/acme/shop");
        assertThat(page.project().ref()).isEqualTo("develop");
        assertThat(page.project().name()).isEqualTo("shop");
        assertThat(rag.registerOrFind(null, "https://github.com/acme/shop", "develop").project())
                .isEqualTo(page.project());
        assertThat(rag.registered("https://github.com/acme/shop/blob/develop/README.md", null)).contains(page.project());
        RepoRag.Registration asked = rag.registerOrFind("shop-main", "https://github.com/acme/shop/tree/develop", "main");
        assertThat(asked.project().ref()).as("a ref given wins").isEqualTo("main");
    }

    /**
     * {@code tree/feature/login/src} may be the branch {@code feature/login}: the remote's refs tell,
     * as the host reads its own addresses; a project already registered at one reading is that one.
     */
    @Test
    void aPageOfABranchHoldingASlashIsThatBranchWhenTheRemoteHasIt() {
        List<List<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        RepositorySource branches = new RepositorySourceWithRefs(Set.of("feature/login", "main"), asked);
        try (RepoRag withBranches = RepoRag.builder().source(branches).embedder(embedder)
                .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository()).build()) {
            RepoRag.Registration page = withBranches.registerOrFind(null,
                    "https://github.com/acme/shop/tree/feature/login/src", null);

            assertThat(page.project().ref()).isEqualTo("feature/login");
            assertThat(asked).containsExactly(List.of("feature/login/src", "feature/login", "feature"));
            assertThat(withBranches.registered("https://github.com/acme/shop/blob/feature/login/README.md", null))
                    .as("found among the projects, without asking the remote").contains(page.project());
            assertThat(withBranches.registerOrFind(null, "https://github.com/acme/shop/blob/feature/login/a/b.txt", null)
                    .project()).isEqualTo(page.project());
            assertThat(asked).hasSize(1);

            assertThat(withBranches.registerOrFind("shop-main", "https://github.com/acme/shop/tree/main/docs", null)
                    .project().ref()).isEqualTo("main");
            assertThat(withBranches.registerOrFind("shop-x", "https://github.com/acme/shop/tree/gone/x", null)
                    .project().ref()).as("no reading exists: the first segment, whose fetch names the branches")
                    .isEqualTo("gone");
            assertThat(withBranches.registerOrFind("shop-dev", "https://github.com/acme/shop/tree/feature/login/src",
                    "dev").project().ref()).as("a ref given wins, nothing asked").isEqualTo("dev");
            assertThat(asked).hasSize(3);
            assertThatThrownBy(() -> withBranches.estimate("https://github.com/acme/other/tree/feature/login/x", null, false))
                    .as("an estimate reads the page as a registration does: the branch, then its fetch")
                    .hasMessage("not fetched in this test");
            assertThat(asked).hasSize(4).last().isEqualTo(List.of("feature/login/x", "feature/login", "feature"));
        }
    }

    @Test
    void aRemoteThatCannotBeReadForAPagesRefIsAClearError() {
        RepositorySource unreachable = new RepositorySourceWithRefs(null, new java.util.ArrayList<>());
        try (RepoRag offline = RepoRag.builder().source(unreachable).embedder(embedder)
                .vectorStore(new InMemoryVectorStore(embedder.dimension())).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository()).build()) {
            assertThatThrownBy(() -> offline.registerOrFind(null, "https://github.com/acme/shop/tree/feature/login", null))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("could not tell which branch or tag feature/login begins with (could not reach "
                            + "https://github.com/acme/shop); give the branch or tag as the ref");
            assertThat(offline.statuses()).as("nothing registered").isEmpty();
            assertThat(offline.registerOrFind(null, "https://github.com/acme/shop/tree/main", null).project().ref())
                    .as("one segment: nothing to ask").isEqualTo("main");
        }
    }

    /** Knows some branch names; {@code null} names: the remote cannot be reached. */
    private record RepositorySourceWithRefs(Set<String> refs, List<List<String>> asked) implements RepositorySource {
        @Override
        public Snapshot open(Project project) {
            throw new SourceException("not fetched in this test");
        }

        @Override
        public Optional<String> firstExistingRef(String source, List<String> candidates) {
            if (refs == null) {
                throw new SourceException("could not reach " + source);
            }
            asked.add(candidates);
            return candidates.stream().filter(refs::contains).findFirst();
        }

        @Override
        public void validate(String source) {
        }
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

    @Test
    void withoutANameTheProjectIsNamedAfterTheLastPartOfItsSource() {
        assertThat(rag.registerOrFind(null, "https://example.com/acme/shop.git/", null).project().name()).isEqualTo("shop");
        assertThat(rag.registerOrFind(null, "mem://cart", null).project().name()).isEqualTo("cart");
        assertThatThrownBy(() -> rag.registerOrFind(null, "https://example.com/other/shop", null))
                .isInstanceOf(ConflictException.class).hasMessageContaining("a project named 'shop' already exists");
    }

    @Test
    void aPathIsStoredAbsoluteSoOneDirectoryIsOneProject(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("shop"));
        RepoRag.Registration byPath = rag.registerOrFind(null, repo.resolve("../shop/.").toString(), null);

        assertThat(byPath.project().source()).isEqualTo(repo.toAbsolutePath().normalize().toString());
        assertThat(byPath.project().name()).isEqualTo("shop");
        assertThat(rag.registerOrFind("again", repo.toString(), null).project()).isEqualTo(byPath.project());
        assertThat(rag.registered(repo + "/", null)).contains(byPath.project());
        assertThatThrownBy(() -> rag.registerOrFind("gone", tmp.resolve("gone").toString(), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no directory at");
    }

    @Test
    void registerStoresAPathAsRegisterOrFindDoes(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("cart"));
        Project project = rag.register("cart", repo.resolve("../cart/.").toString(), null);

        assertThat(project.source()).isEqualTo(repo.toAbsolutePath().normalize().toString());
        assertThat(rag.registerOrFind("other", repo.toString(), null).project()).isEqualTo(project);
        assertThatThrownBy(() -> rag.register("gone", tmp.resolve("gone").toString(), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no directory at");
    }
}

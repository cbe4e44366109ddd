package dev.reporag.git;

import dev.reporag.core.contract.RepositorySourceContract;
import dev.reporag.core.port.RepositorySource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/** The core's RepositorySource contract, over local paths and over smart HTTP. */
class JGitContractTest {
    @TempDir
    Path temp;

    @Nested
    class OverLocalPaths extends RepositorySourceContract {
        private JGitRepositorySource source;

        @BeforeEach
        void setUp() {
            source = new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache"))
                    .withAllowLocalSources(true));
        }

        @Override
        protected RepositorySource source() {
            return source;
        }

        @Override
        protected String createRepository(Map<String, String> files) throws Exception {
            Path dir = temp.resolve("repos").resolve(UUID.randomUUID() + ".git");
            try (TestRepository repository = TestRepository.create(dir)) {
                repository.commitText(files);
            }
            return dir.toString();
        }

        @Override
        protected void commit(String source, String message, Map<String, String> files) throws Exception {
            try (TestRepository repository = TestRepository.open(Path.of(source))) {
                repository.commitText(message, files);
            }
        }

        @Override
        protected String missingRepository() {
            return temp.resolve("no-such-repository").toString();
        }
    }

    @Nested
    class OverHttp extends RepositorySourceContract {
        private GitHttpTestServer server;
        private JGitRepositorySource source;
        private Path repos;

        @BeforeEach
        void setUp() throws IOException {
            repos = temp.resolve("served");
            server = new GitHttpTestServer(repos);
            source = new JGitRepositorySource(GitSourceSettings.defaults(temp.resolve("cache"))
                    .withAllowLocalSources(true));
        }

        @AfterEach
        void tearDown() {
            server.close();
        }

        @Override
        protected RepositorySource source() {
            return source;
        }

        @Override
        protected String createRepository(Map<String, String> files) throws Exception {
            String name = UUID.randomUUID() + ".git";
            try (TestRepository repository = TestRepository.create(repos.resolve(name))) {
                repository.commitText(files);
            }
            return server.url(name);
        }

        @Override
        protected void commit(String url, String message, Map<String, String> files) throws Exception {
            String name = url.substring(url.lastIndexOf('/') + 1);
            try (TestRepository repository = TestRepository.open(repos.resolve(name))) {
                repository.commitText(message, files);
            }
        }

        @Override
        protected String missingRepository() {
            return server.url("missing.git");
        }
    }
}

package dev.reporag.cli;

import dev.reporag.openai.FakeOpenAiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented model switch, on both stores, with a fake OpenAI-compatible server counting what
 * it embeds: a change of RAG_EMBEDDING_DIMENSIONS leaves every question answered by a clear message
 * (never a dimension error), `rag reembed` builds the new vectors and switches, and a second
 * project of the same repository embeds nothing.
 */
class ReembedCommandTest {
    @TempDir
    Path tmp;
    private FakeOpenAiStores stores;
    private FakeOpenAiServer fake;

    @BeforeEach
    void start() {
        stores = new FakeOpenAiStores(tmp.resolve("home"), "reembed");
        fake = stores.fake;
    }

    @AfterEach
    void stop() throws Exception {
        stores.close();
    }

    private Map<String, String> env(String store, int dimensions) {
        return stores.env(store, Map.of("RAG_EMBEDDING_DIMENSIONS", Integer.toString(dimensions)));
    }

    private long inputs() {
        return fake.log().stream().filter(r -> r.status() == 200).mapToLong(FakeOpenAiServer.Logged::inputs).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "pgvector"})
    void aModelChangeIsSwitchedByReembedAndNoQuestionEverFailsOnADimension(String store) throws Exception {
        Path repo = TestRepos.create(tmp.resolve("repo"), TestRepos.shop());
        Map<String, String> before = env(store, 32);
        Map<String, String> after = env(store, 48);
        CliRun ingest = CliRun.run(before, "", "ingest", repo.toString(), "--name", "shop");
        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
        long chunks = inputs();
        assertThat(chunks).isPositive();
        String question = "how is the cart total computed?";

        CliRun refused = CliRun.run(after, "", "ask", "--project", "shop", question);
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.out() + refused.err())
                .contains("indexed with embedding model 'openai:text-embedding-3-small:32' (32 dimensions)")
                .contains("rag reembed --project-id")
                .doesNotContain("dimension mismatch").doesNotContain("Exception").doesNotContain(FakeOpenAiServer.KEY);
        CliRun status = CliRun.run(after, "", "status");
        assertThat(status.out()).contains("run rag reembed");

        fake.clearLog();
        CliRun reembed = CliRun.run(after, "", "reembed");
        assertThat(reembed.exitCode()).as(reembed.toString()).isZero();
        assertThat(reembed.out()).contains("re-embedding project 'shop' from 'openai:text-embedding-3-small:32' (32 dimensions)"
                + " to 'openai:text-embedding-3-small:48' (48 dimensions)").contains("READY");
        assertThat(inputs()).as("every chunk embedded again with the new model").isEqualTo(chunks);
        assertThat(fake.log()).allSatisfy(r -> assertThat(r.inputs()).isPositive());

        CliRun answered = CliRun.run(after, "", "ask", "--project", "shop", question);
        assertThat(answered.exitCode()).as(answered.toString()).isZero();
        assertThat(answered.out()).contains("Cart.java");
        CliRun old = CliRun.run(before, "", "ask", "--project", "shop", question);
        assertThat(old.out() + old.err()).contains("indexed with embedding model 'openai:text-embedding-3-small:48' (48"
                + " dimensions)");
        assertThat(CliRun.run(after, "", "reembed").out()).contains("nothing to re-embed");

        // Vectors are reused by content: a fork with the same files embeds nothing.
        Path fork = TestRepos.create(tmp.resolve("fork"), TestRepos.shop());
        fake.clearLog();
        CliRun second = CliRun.run(after, "", "ingest", fork.toString(), "--name", "shop-again");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(inputs()).isZero();
        assertThat(CliRun.run(after, "", "ask", "--project", "shop-again", question).out()).contains("Cart.java");
    }
}

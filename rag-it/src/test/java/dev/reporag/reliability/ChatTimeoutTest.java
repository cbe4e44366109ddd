package dev.reporag.reliability;

import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat endpoint that hangs costs `rag ask` RAG_TIMEOUT, not minutes: the question is answered
 * with the passages and their citations, saying why.
 */
class ChatTimeoutTest {
    @TempDir
    Path tmp;

    @Test
    void aHangingChatModelCostsOneTimeoutAndTheAnswerFallsBackToThePassages() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(4, 2));
        try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
            Map<String, String> env = new HashMap<>(Map.of("RAG_EMBEDDER", "hashing", "OPENAI_API_KEY",
                    FakeOpenAiServer.KEY, "OPENAI_BASE_URL", fake.baseUrl(), "RAG_TIMEOUT", "2",
                    "RAG_ALLOW_LOCAL_SOURCES", "true", "RAG_HOME", tmp.resolve("home").toString()));
            assertThat(Child.run(tmp.resolve("ingest.log"), 120, env, "ingest", repo.toString(), "--name", "demo"))
                    .as(Files.readString(tmp.resolve("ingest.log"))).isZero();
            fake.hangMillis = 60_000;
            fake.failNext(Fault.HANG, Fault.HANG);

            long start = System.nanoTime();
            int exit = Child.run(tmp.resolve("ask.log"), 60, env, "ask", "--project", "demo", "--json",
                    "where is computeValue3 defined?");
            double seconds = (System.nanoTime() - start) / 1e9;
            String output = Files.readString(tmp.resolve("ask.log"));

            assertThat(exit).as(output).isZero();
            assertThat(output).contains("\"extractive\" : true")
                    .contains("The chat model could not answer (OpenAI-compatible server at 127.0.0.1")
                    .contains("did not answer within 2 s").contains("\"path\" : \"src/demo/")
                    .doesNotContain(FakeOpenAiServer.KEY);
            // One attempt of 2 s (a timed-out attempt is not tried again) and a JVM's start.
            assertThat(seconds).isLessThan(12);
            assertThat(fake.chatRequests()).hasSize(1);
        }
    }
}

package dev.reporag.local;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.Embedder;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The child process of the crash test: ingests a repository into a local store, slowly, saying
 * "EMBEDDED n" after each embedding call, until it is killed. The repository is rebuilt the same
 * way (same commit id) by the parent that resumes the job.
 */
public final class CrashFixture {
    static final String SOURCE = "mem://crash-demo";
    static final int FILES = 80;

    private CrashFixture() {
    }

    static InMemoryRepositorySource repository() {
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < FILES; f++) {
            StringBuilder text = new StringBuilder();
            for (int line = 0; line < 120; line++) {
                text.append("    int value").append(f).append('_').append(line).append(" = compute(")
                        .append(line).append(");\n");
            }
            files.put("src/File" + f + ".java", "class File" + f + " {\n" + text + "}\n");
        }
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(SOURCE, files);
        return source;
    }

    static RepoRag rag(LocalStore store, Embedder embedder, Clock clock) {
        return RepoRag.builder()
                .source(repository())
                .embedder(embedder)
                .vectorStore(store.vectorStore())
                .jobs(store.jobs())
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().lease(Duration.ofSeconds(30)).build())
                .clock(clock)
                .build();
    }

    public static void main(String[] args) {
        LocalStore store = LocalStore.open(Path.of(args[0]), "hashing-64", 64);
        HashingEmbedder hashing = new HashingEmbedder();
        int[] calls = {0};
        Embedder slow = new HashingEmbedderWith(hashing, texts -> {
            synchronized (calls) {
                List<float[]> vectors = hashing.embedAll(texts);
                try {
                    Thread.sleep(150); // slow enough to be killed halfway
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("EMBEDDED " + ++calls[0]);
                System.out.flush();
                return vectors;
            }
        });
        RepoRag rag = rag(store, slow, Clock.systemUTC());
        Project project = rag.register("crash-demo", SOURCE, null);
        IngestionJob job = rag.requestIngestion(project.id());
        System.out.println("JOB " + job.id());
        System.out.flush();
        rag.processNext("doomed-worker");
        System.out.println("FINISHED"); // the test fails if it gets here
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.Embedder;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** The same repository, embedder and settings in the test JVM and in the worker it kills. */
final class CrashFixture {
    static final String MODEL_ID = "hashing-64";
    static final int DIMENSION = 64;
    static final ProjectId PROJECT = new ProjectId("crash-test-project");
    static final String SOURCE = "mem://crash-test";
    static final Duration LEASE = Duration.ofSeconds(2);
    static final long SLOW_CALL_MILLIS = 400;

    private CrashFixture() {
    }

    /** 40 files of generated code, the same in every JVM. */
    static Map<String, String> files() {
        Random random = new Random(20261124);
        Map<String, String> files = new TreeMap<>();
        for (int f = 0; f < 40; f++) {
            StringBuilder text = new StringBuilder("package demo;\n\npublic class Service" + f + " {\n");
            int methods = 8 + random.nextInt(10);
            for (int m = 0; m < methods; m++) {
                text.append("    int computeValue").append(m).append("(int input) {\n")
                        .append("        return input * ").append(random.nextInt(1000)).append(" + ")
                        .append(random.nextInt(1000)).append(";\n    }\n\n");
            }
            files.put("src/demo/Service" + f + ".java", text.append("}\n").toString());
        }
        return files;
    }

    static RepoRag repoRag(PgDatabase db, long millisPerEmbeddingCall) {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(SOURCE, files());
        HashingEmbedder hashing = new HashingEmbedder(DIMENSION, 4000);
        Embedder embedder = new HashingEmbedderWith(hashing, texts -> {
            try {
                Thread.sleep(millisPerEmbeddingCall);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return hashing.embedAll(texts);
        });
        RagSettings settings = RagSettings.builder()
                .lease(LEASE)
                .maxAttempts(3)
                .batch(new BatchPolicy(4, BatchPolicy.DEFAULT_MAX_TOKENS, Duration.ZERO, 1))
                .build();
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(db.vectorStore()).jobs(db.jobs())
                .conversations(db.conversations()).settings(settings).build();
    }
}

package dev.reporag.local;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker killed with SIGKILL mid-ingestion leaves a store that opens and resumes the job. */
class CrashResumeTest {
    @TempDir
    Path dir;

    @Test
    void aKilledIngestionResumesWithoutDuplicatesOrReEmbedding() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashFixture.class.getName(), dir.toString()).redirectErrorStream(true).start();
        JobId jobId = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("JOB ")) {
                    jobId = new JobId(line.substring(4));
                }
                if (line.equals("EMBEDDED 6")) {
                    // A job keeps at most 2 x concurrency (4) requests ahead of its stores: the 6th
                    // was sent after the 2nd batch was written; the job is far from its end.
                    break;
                }
            }
            assertThat(line).as("the child's output ended early").isEqualTo("EMBEDDED 6");
            child.destroyForcibly(); // SIGKILL, in the middle of the job
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        try (LocalStore store = LocalStore.open(dir, "hashing-64", 64)) {
            Project project = store.jobs().projectByName("crash-demo").orElseThrow();
            IngestionJob crashed = store.jobs().job(jobId).orElseThrow();
            assertThat(crashed.status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(crashed.leaseOwner()).isEqualTo("doomed-worker");
            long storedBefore = store.vectorStore().count(project.id());
            assertThat(storedBefore).isPositive();

            // A minute later the dead worker's lease has expired, and another worker takes the job over.
            HashingEmbedder embedder = new HashingEmbedder();
            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));
            try (RepoRag rag = CrashFixture.rag(store, embedder, later)) {
                IngestionJob resumed = rag.processNext("rescuer").orElseThrow();

                assertThat(resumed.id()).isEqualTo(jobId);
                assertThat(resumed.status()).as(resumed.error()).isEqualTo(JobStatus.READY);
                assertThat(resumed.attempts()).isEqualTo(2);
                long total = resumed.progress().chunksTotal();
                Set<String> ids = store.vectorStore().chunkKeys(project.id()).keySet();
                assertThat(store.vectorStore().count(project.id())).isEqualTo(ids.size()).isEqualTo(total);
                assertThat(total).isGreaterThan(storedBefore);
                assertThat(embedder.inputs()).isEqualTo(total - storedBefore);
                System.out.printf("stored before the kill %d, total %d, embedded on resume %d%n", storedBefore,
                        total, embedder.inputs());
            }
        }
    }
}

package dev.reporag.reliability;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL in the middle of a job, on both stores, with real `rag` processes: the job is taken over
 * (PostgreSQL: by another worker once the lease ran out; embedded: by the next run) and ends with
 * exactly the chunks of a clean run, none twice, and progress never went backwards.
 */
class CrashTest {
    /** Each chunk is its own embedding request, paced, so the job is long enough to be killed mid-way. */
    private static final Map<String, String> SLOW = Map.of("RAG_EMBEDDER", "hashing", "RAG_BATCH_SIZE", "2",
            "RAG_DELAY", "0.05", "RAG_CONCURRENCY", "1", "RAG_LEASE", "2", "RAG_ALLOW_LOCAL_SOURCES", "true");
    private static final Pattern PERCENT = Pattern.compile(": (\\d+)% \\(");

    @TempDir
    static Path tmp;
    static Path repo;
    /** Path, lines and text of every chunk of a clean run. */
    static Set<String> clean;
    static List<StoredChunks.Stored> cleanChunks;

    @BeforeAll
    static void cleanRun() throws Exception {
        repo = GitRepos.create(tmp.resolve("crash-repo"), GitRepos.generatedCode(40, 3));
        Path home = tmp.resolve("clean-home");
        Path log = tmp.resolve("clean.log");
        assertThat(Child.run(log, 120, env(home), "ingest", repo.toString())).as(Files.readString(log)).isZero();
        cleanChunks = StoredChunks.embedded(home);
        clean = contents(cleanChunks);
        assertThat(clean).hasSizeGreaterThan(80).hasSize(cleanChunks.size());
    }

    private static TestSchema db;

    @AfterAll
    static void dropSchema() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aWorkerKilledMidJobIsTakenOverByAnotherAndTheChunksAreThoseOfACleanRun() throws Exception {
        db = new TestSchema("crash");
        Map<String, String> env = new HashMap<>(SLOW);
        env.put("DATABASE_URL", db.databaseUrl());
        env.put("RAG_HOME", tmp.resolve("pg-home").toString());
        HashingEmbedder hashing = new HashingEmbedder(256, 4000);
        List<Child> workers = new ArrayList<>();
        try (PgDatabase pg = PgDatabase.builder(db.databaseUrl()).embeddingModel(hashing.modelId(), 256).build()) {
            for (int i = 0; i < 2; i++) {
                workers.add(Child.start(tmp.resolve("worker" + i + ".log"), env, "worker"));
            }
            List<String> ids = new ArrayList<>();
            for (Child worker : workers) {
                ids.add(awaitMatch(worker, Pattern.compile("worker (w-[0-9a-f]+) running"), 60).group(1));
            }
            ProjectId projectId = new ProjectId("crash-project");
            pg.jobs().saveProject(new Project(projectId, "crash", repo.toString(), null, Instant.now()));
            IngestionJob queued = pg.jobs().enqueue(projectId, Instant.now());

            List<Integer> percents = new ArrayList<>();
            IngestionJob job = queued;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (job.leaseOwner() == null || job.progress().percent() < 20) {
                assertThat(System.nanoTime()).as("the job never got to 20%%: %s", job).isLessThan(deadline);
                Thread.sleep(20);
                job = pg.jobs().job(queued.id()).orElseThrow();
                percents.add(job.progress().percent());
            }
            int victim = ids.indexOf(job.leaseOwner());
            assertThat(victim).as("the job's owner %s is one of our workers %s", job.leaseOwner(), ids).isNotNegative();
            workers.get(victim).kill();
            long storedAtKill = pg.vectorStore().count(projectId);
            Child survivor = workers.get(1 - victim);

            while (!job.status().isFinished()) {
                assertThat(System.nanoTime()).as("the job was not finished in time: %s", job).isLessThan(
                        deadline + TimeUnit.SECONDS.toNanos(30));
                Thread.sleep(20);
                job = pg.jobs().job(queued.id()).orElseThrow();
                percents.add(job.progress().percent());
            }
            assertThat(job.status()).as(job.error()).isEqualTo(JobStatus.READY);
            assertThat(job.attempts()).isEqualTo(2);
            assertThat(survivor.output()).contains("processing job " + queued.id().value());
            assertThat(storedAtKill).isPositive().isLessThan(clean.size());
            assertThat(job.progress().chunksEmbedded()).as("chunks stored before the kill are not embedded again")
                    .isEqualTo(clean.size() - storedAtKill);
            assertMonotonic(percents);
            assertThat(percents.get(percents.size() - 1)).isEqualTo(100);

            List<StoredChunks.Stored> stored = StoredChunks.postgres(db);
            assertSameAsClean(stored, projectId);
            survivor.signal("TERM");
            assertThat(survivor.waitFor(30)).as("stopped by SIGTERM").isEqualTo(143);
            assertThat(survivor.output()).doesNotContain("Exception");
        } finally {
            for (Child worker : workers) {
                worker.close();
            }
        }
    }

    @Test
    void anIngestKilledMidJobResumesOnTheNextRunWithTheChunksOfACleanRun() throws Exception {
        Path home = tmp.resolve("embedded-home");
        Map<String, String> env = new HashMap<>(SLOW);
        env.put("RAG_HOME", home.toString());
        int lastPercent;
        try (Child ingest = Child.start(tmp.resolve("killed.log"), env, "ingest", repo.toString())) {
            lastPercent = Integer.parseInt(awaitPercent(ingest, 20, 60).group(1));
            ingest.kill();
        }
        Path log = tmp.resolve("resumed.log");
        long started = System.nanoTime();
        int exit = Child.run(log, 90, env, "ingest", repo.toString());
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("resumed at once, not after a wait")
                .isLessThan(30);
        Matcher counts = Pattern.compile("(\\d+) chunks \\((\\d+) embedded now\\)").matcher(output);
        assertThat(counts.find()).as(output).isTrue();
        assertThat(Integer.parseInt(counts.group(1))).isEqualTo(clean.size());
        assertThat(Integer.parseInt(counts.group(2))).as("what was stored before the kill is kept")
                .isLessThan(clean.size());
        List<Integer> percents = new ArrayList<>(List.of(lastPercent));
        Matcher m = PERCENT.matcher(output);
        while (m.find()) {
            percents.add(Integer.parseInt(m.group(1)));
        }
        assertMonotonic(percents);

        List<StoredChunks.Stored> stored = StoredChunks.embedded(home);
        assertSameAsClean(stored, new ProjectId(stored.get(0).project()));
    }

    private static void assertSameAsClean(List<StoredChunks.Stored> stored, ProjectId projectId) {
        assertThat(stored.stream().map(StoredChunks.Stored::id).distinct().count()).as("no chunk twice")
                .isEqualTo(stored.size());
        assertThat(contents(stored)).isEqualTo(clean);
        Set<String> expectedIds = cleanChunks.stream()
                .map(c -> Chunk.of(projectId, c.path(), c.language(), c.start(), c.end(), c.text()).id())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> storedIds = stored.stream().map(StoredChunks.Stored::id)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(storedIds).isEqualTo(expectedIds);
    }

    private static void assertMonotonic(List<Integer> percents) {
        for (int i = 1; i < percents.size(); i++) {
            assertThat(percents.get(i)).as("progress went backwards: %s", percents).isGreaterThanOrEqualTo(percents.get(i - 1));
        }
    }

    static Map<String, String> env(Path home) {
        Map<String, String> env = new HashMap<>(Map.of("RAG_EMBEDDER", "hashing", "RAG_HOME", home.toString()));
        return env;
    }

    static Set<String> contents(List<StoredChunks.Stored> chunks) {
        return chunks.stream().map(StoredChunks.Stored::content).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Matcher awaitPercent(Child child, int atLeast, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = PERCENT.matcher(child.output());
            while (m.find()) {
                if (Integer.parseInt(m.group(1)) >= atLeast) {
                    return m;
                }
            }
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no progress of " + atLeast + "% shown; output:\n" + child.output());
            }
            Thread.sleep(20);
        }
    }

    static Matcher awaitMatch(Child child, Pattern pattern, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = pattern.matcher(child.output());
            if (m.find()) {
                return m;
            }
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("'" + pattern + "' never appeared; output:\n" + child.output());
            }
            Thread.sleep(50);
        }
    }
}

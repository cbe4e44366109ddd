package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** The JDK's message of the failure is the path alone ("…: /srv/data"): what went wrong, and the way out. */
    @Test
    void aDataDirectoryThatCannotBeMadeSaysWhyAndWhatToSet() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");

        assertThatThrownBy(() -> LocalStore.open(file.resolve("store"), "m", 8)).isInstanceOf(StoreException.class)
                .hasMessage("cannot create the data directory " + file.resolve("store") + ": Not a directory ("
                        + file.resolve("store") + "); set RAG_HOME to a directory this user may write");
        Path store = Files.writeString(dir.resolve("store"), "a file where the store goes");
        assertThatThrownBy(() -> LocalStore.open(store, "m", 8)).isInstanceOf(StoreException.class)
                .hasMessage("cannot create the data directory " + store + ": " + store
                        + " is a file; set RAG_HOME to a directory this user may write");
    }

    @Test
    void openingAStoreWrittenBeforeRemovesCredentialsFromRepositoryUrlsOnce() {
        Project withPassword = new Project(ProjectId.random(), "a", "https://user:Secret123@github.com/a/b.git", null, T0);
        Project withToken = new Project(ProjectId.random(), "b", "https://ghp_x@gitlab.com:8443/c/d", "main", T0);
        Project scp = new Project(ProjectId.random(), "c", "user:Secret123@example.com:c/d.git", null, T0);
        Project clean = new Project(ProjectId.random(), "d", "https://github.com/a/b@v1", null, T0);
        try (MvState old = new MvState(dir)) { // as a release before the upgrade left it
            for (Project p : List.of(withPassword, withToken, scp, clean)) {
                old.write(() -> old.projects.put(p.id().value(), Codec.project(p)));
            }
        }
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            assertThat(store.jobs().projects()).extracting(Project::source).containsExactlyInAnyOrder(
                    "https://github.com/a/b.git", "https://gitlab.com:8443/c/d", "example.com:c/d.git",
                    "https://github.com/a/b@v1");
            assertThat(store.jobs().projects().toString()).doesNotContain("Secret123", "ghp_x", "user");
        }
        try (MvState reopened = new MvState(dir)) {
            assertThat(reopened.read(() -> reopened.meta.get(StoreUpgrades.STRIP_URL_CREDENTIALS))).isEqualTo("done");
        }
    }

    @Test
    void keepsEverythingAcrossCloseAndReopen() {
        Project project = new Project(ProjectId.random(), "demo", "https://example.com/demo.git", "main", T0);
        Chunk chunk = Chunk.of(project.id(), "src/Main.java", "java", 1, 3, "class Main {\n  void run() {}\n}");
        IngestionJob job;
        String conversation;
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            store.jobs().saveProject(project);
            job = store.jobs().enqueue(project.id(), T0);
            store.jobs().claim("w1", T0, Duration.ofMinutes(1), 3).orElseThrow();
            store.jobs().saveProgress(job.id(), "w1", new Progress(1, 1, 0, 1, 1, 1, 50), "abc", T0.plusSeconds(1));
            store.vectorStore().upsert(List.of(new EmbeddedChunk(chunk, unit(2))));
            conversation = store.conversations().start(project.id(), T0);
            store.conversations().append(conversation, new Turn("q", "a"), T0);
        }
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            assertThat(store.jobs().projects()).containsExactly(project);
            IngestionJob reopened = store.jobs().job(job.id()).orElseThrow();
            assertThat(reopened.status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(reopened.progress().percent()).isEqualTo(50);
            assertThat(reopened.commit()).isEqualTo("abc");
            assertThat(store.vectorStore().chunkKeys(project.id()).keySet()).containsExactly(chunk.id());
            assertThat(store.vectorStore().vectorSearch(project.id(), unit(2), 1).get(0).chunk()).isEqualTo(chunk);
            assertThat(store.conversations().turns(conversation)).containsExactly(new Turn("q", "a"));
        }
    }

    @Test
    void aStoreWrittenBeforeJobsKeptAnEstimateStillOpens() {
        IngestionJob job = CodecTest.JOB;
        Project project = new Project(job.projectId(), "shop", "https://example.com/shop.git", null, T0);
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            store.jobs().saveProject(project);
        }
        try (MvState state = new MvState(dir)) { // the job as the previous release left it
            state.write(() -> state.jobs.put(job.id().value(), CodecTest.WRITTEN_BEFORE_THE_ESTIMATE));
        }

        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            IngestionJob old = store.jobs().latestJob(project.id()).orElseThrow();
            assertThat(old.id()).isEqualTo(job.id());
            assertThat(old.progress()).isEqualTo(job.progress().withoutEta());
            assertThat(store.jobs().saveProgress(job.id(), "worker-1", job.progress(), null, T0.plusSeconds(10)))
                    .isTrue();
            assertThat(store.jobs().job(job.id()).orElseThrow().progress().eta()).contains(Duration.ofSeconds(754));
        }
    }

    @Test
    void closingWhileSegmentsMergeKeepsEveryWriteThatReturned() {
        ProjectId project = ProjectId.random();
        List<String> kept = new ArrayList<>();
        Random random = new Random(7);
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            // One commit, so one segment, per batch: enough segments that merges start.
            for (int batch = 0; batch < 60; batch++) {
                List<EmbeddedChunk> chunks = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int n = batch * 10 + i;
                    float[] vector = new float[8];
                    for (int d = 0; d < 8; d++) {
                        vector[d] = random.nextFloat() - 0.5f;
                    }
                    Chunk chunk = Chunk.of(project, "src/F" + n + ".java", "java", 1, 1, "class F" + n + " {}");
                    chunks.add(new EmbeddedChunk(chunk, vector));
                    kept.add(chunk.id());
                }
                store.vectorStore().upsert(chunks);
            }
            store.vectorStore().delete(project, kept.subList(0, 5));
        }
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            assertThat(store.vectorStore().chunkKeys(project).keySet()).containsExactlyInAnyOrderElementsOf(kept.subList(5, 600));
            assertThat(store.vectorStore().vectorSearch(project, unit(3), 10)).hasSize(10);
        }
    }

    @Test
    void jobsLeftRunningByAnEarlierOwnerCanBeTakenOverAtOnce() {
        Instant now = Instant.now();
        IngestionJob job;
        try (LocalStore store = LocalStore.open(dir, "m", 3)) {
            Project project = new Project(ProjectId.random(), "p", "mem://p", null, now);
            store.jobs().saveProject(project);
            store.jobs().enqueue(project.id(), now);
            // Claimed for an hour, and never given back: as if the process had been killed.
            job = store.jobs().claim("killed", now, Duration.ofHours(1), 3).orElseThrow();
        }
        try (LocalStore store = LocalStore.open(dir, "m", 3)) {
            IngestionJob taken = store.jobs().claimJob(job.id(), "next", Instant.now(), Duration.ofMinutes(1))
                    .orElseThrow(() -> new AssertionError("the dead owner's lease still holds the job"));
            assertThat(taken.attempts()).isEqualTo(2);
            assertThat(taken.leaseOwner()).isEqualTo("next");
        }
    }

    @Test
    void anotherModelOpensBesideTheStoredOneInAnIndexOfItsOwnAndNeverMeetsItsVectors() throws Exception {
        ProjectId project = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, "all-minilm-l6-v2", 384)) {
            store.vectorStore().upsert(List.of(embedded(project, 384)));
            store.vectorStore().activate(project);
        }
        try (LocalStore store = LocalStore.open(dir, "text-embedding-3-small", 1536)) {
            // The project answers with the first model: nothing found, nothing failed.
            assertThat(store.vectorStore().vectorSearch(project, unitVector(1536), 1)).isEmpty();
            assertThat(store.vectorStore().models(project).active())
                    .isEqualTo(new EmbeddingModel("all-minilm-l6-v2", 384));
            // OpenAI's 1,536 dimensions: over Lucene's default cap of 1,024, which the store raises.
            ProjectId other = ProjectId.random();
            store.vectorStore().upsert(List.of(embedded(other, 1536)));
            assertThat(store.vectorStore().vectorSearch(other, unitVector(1536), 1)).hasSize(1);
        }
        try (var indexes = Files.list(dir)) {
            assertThat(indexes.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("index")))
                    .containsExactlyInAnyOrder(LocalModels.directoryName(new EmbeddingModel("all-minilm-l6-v2", 384)),
                            LocalModels.directoryName(new EmbeddingModel("text-embedding-3-small", 1536)));
        }
        try (LocalStore store = LocalStore.open(dir, "all-minilm-l6-v2", 384)) {
            assertThat(store.vectorStore().vectorSearch(project, unitVector(384), 1)).hasSize(1);
        }
    }

    @Test
    void tellsTheModelAStoreOfTheEarlierReleaseWasBuiltWithAndNothingOtherwise() {
        assertThat(LocalStore.recordedModel(dir)).isEmpty();
        assertThat(dir.resolve("state.mv.db")).doesNotExist();
        LocalStore.open(dir, "all-minilm-l6-v2-q", 384).close();
        assertThat(LocalStore.recordedModel(dir)).as("this release keeps models per project").isEmpty();
        try (MvState state = new MvState(dir)) {
            state.write(() -> state.meta.put(LocalStore.MODEL_KEY, "all-minilm-l6-v2"));
        }
        assertThat(LocalStore.recordedModel(dir)).contains("all-minilm-l6-v2");
        try (LocalStore open = LocalStore.open(dir, "all-minilm-l6-v2", 384)) {
            assertThatThrownBy(() -> LocalStore.recordedModel(dir)).isInstanceOf(StoreException.class);
        }
    }

    @Test
    void aStoreOfTheSingleIndexReleaseKeepsItsVectorsUnderTheirModel() throws Exception {
        Project project = new Project(ProjectId.random(), "old", "mem://old", null, Instant.now());
        EmbeddingModel old = new EmbeddingModel("all-minilm-l6-v2", 384);
        try (LocalStore store = LocalStore.open(dir, old.id(), old.dimension())) {
            store.jobs().saveProject(project);
            store.vectorStore().upsert(List.of(embedded(project.id(), 384)));
        }
        // As the earlier release left it: one index/, the model in the state, no per-project models.
        Files.move(dir.resolve(LocalModels.directoryName(old)), dir.resolve("index"));
        try (MvState state = new MvState(dir)) {
            state.write(() -> {
                state.meta.put(LocalStore.MODEL_KEY, old.id());
                state.meta.put(LocalStore.DIMENSION_KEY, "384");
                List.copyOf(state.meta.keySet()).stream().filter(k -> k.startsWith("index.")).forEach(state.meta::remove);
                state.models.clear();
                return null;
            });
        }

        try (LocalStore store = LocalStore.open(dir, old.id(), old.dimension())) {
            assertThat(store.vectorStore().models(project.id()).active()).isEqualTo(old);
            assertThat(store.vectorStore().vectorSearch(project.id(), unitVector(384), 1)).hasSize(1);
        }
        assertThat(dir.resolve("index")).doesNotExist();
        try (LocalStore store = LocalStore.open(dir, "bge-small-en-v1.5", 384)) {
            assertThat(store.vectorStore().vectorSearch(project.id(), unitVector(384), 1)).isEmpty();
        }
    }

    private static EmbeddedChunk embedded(ProjectId project, int dimension) {
        Chunk chunk = Chunk.of(project, "src/A.java", "java", 1, 1, "class A {}");
        return new EmbeddedChunk(chunk, unitVector(dimension));
    }

    private static float[] unitVector(int dimension) {
        float[] vector = new float[dimension];
        vector[0] = 1;
        return vector;
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused() {
        try (LocalStore ignored = LocalStore.open(dir, "m", 8)) {
            assertThatThrownBy(() -> LocalStore.open(dir, "m", 8))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use by process " + ProcessHandle.current().pid());
        }
    }

    @Test
    void anotherProcessHoldingTheStoreIsNamedAndItsDeathFreesIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldStore.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).isEqualTo("OPEN " + child.pid());

            assertThatThrownBy(() -> LocalStore.open(dir, "test-model", 8))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("the store at " + dir.toAbsolutePath() + " is in use by process " + child.pid()
                            + "; stop that process or set RAG_HOME to another directory");

            child.destroyForcibly(); // SIGKILL: no chance to clean up
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (LocalStore store = LocalStore.open(dir, "test-model", 8)) {
                assertThat(store.jobs().projects()).isEmpty();
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void keywordSearchSplitsIdentifiersAndReadsPaths() {
        ProjectId p = ProjectId.random();
        try (LocalStore store = LocalStore.open(dir, "m", 8)) {
            store.vectorStore().upsert(List.of(
                    new EmbeddedChunk(Chunk.of(p, "src/io/ConfigLoader.java", "java", 1, 1,
                            "Config parseConfigFile(Path path) { return read(path); }"), unit(0)),
                    new EmbeddedChunk(Chunk.of(p, "db/schema.py", "python", 1, 1,
                            "def create_user_table(conn):\n    conn.execute(SQL)"), unit(1)),
                    new EmbeddedChunk(Chunk.of(p, "web/routes.js", "javascript", 1, 1,
                            "app.get('/health', (req, res) => res.send('ok'))"), unit(2))));

            assertThat(top(store, p, "how is the config file parsed")).isEqualTo("src/io/ConfigLoader.java");
            assertThat(top(store, p, "user table")).isEqualTo("db/schema.py");
            assertThat(top(store, p, "createUserTable")).isEqualTo("db/schema.py");
            assertThat(top(store, p, "config loader")).isEqualTo("src/io/ConfigLoader.java");
            assertThat(top(store, p, "routes")).isEqualTo("web/routes.js");
            assertThat(store.vectorStore().keywordSearch(p, "the of and ?!", 5)).isEmpty();
        }
    }

    private static String top(LocalStore store, ProjectId p, String query) {
        List<ScoredChunk> hits = store.vectorStore().keywordSearch(p, query, 3);
        assertThat(hits).as("hits for '%s'", query).isNotEmpty();
        return hits.get(0).chunk().path();
    }

    private static float[] unit(int axis) {
        float[] v = new float[8];
        v[axis] = 1f;
        return v;
    }
}

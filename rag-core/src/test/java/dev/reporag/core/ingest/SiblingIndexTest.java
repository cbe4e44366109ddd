package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A project's first index started from another project's index of the same repository. */
class SiblingIndexTest {
    private static final String REPO = "mem://repo";
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    /** The jobs of indexes built from nothing, to compare with. */
    private final InMemoryJobRepository scratchJobs = new InMemoryJobRepository();
    private final HashingEmbedder embedder = new HashingEmbedder(32, 4000);
    private final InMemoryVectorStore store = new InMemoryVectorStore(
            new EmbeddingModel(embedder.modelId(), embedder.dimension()));
    private final RagSettings settings = RagSettings.builder()
            .batch(new BatchPolicy(5, 100_000, Duration.ZERO, 2))
            .lease(Duration.ofSeconds(5))
            .progressInterval(Duration.ZERO)
            .build();
    private RepoRag rag = rag(store);

    private RepoRag rag(VectorStore vectors) {
        return rag(vectors, source, settings);
    }

    private RepoRag rag(VectorStore vectors, RepositorySource repositories, RagSettings ragSettings) {
        return RepoRag.builder().source(repositories).embedder(embedder).vectorStore(vectors).jobs(jobs)
                .conversations(new InMemoryConversationRepository()).settings(ragSettings).build();
    }

    /** {@code store}, running {@code before} as a copy starts. */
    private VectorStore onCopy(Runnable before) {
        return before("copyChunks", args -> before.run());
    }

    /** {@code store}, running {@code action} with the arguments of each call of that method, before it. */
    private VectorStore before(String methodName, java.util.function.Consumer<Object[]> action) {
        return (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals(methodName)) {
                        action.accept(args);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @AfterEach
    void close() {
        rag.close();
    }

    private IngestionJob ingest(Project project) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow();
    }

    /** The main line, then a branch changing one file, adding one and deleting another. */
    private String[] twoCommits() {
        Map<String, String> main = IngestionTest.repository();
        String first = source.commit(REPO, main);
        Map<String, String> branch = new TreeMap<>(main);
        branch.put("src/Service2.java", main.get("src/Service2.java").replace("int doubled = value + value;",
                "int doubled = 2 * value; // changed"));
        branch.put("src/Added.java", "package demo;\n\nclass Added {\n    int added() { return 42; }\n}\n");
        branch.remove("src/Service5.java");
        return new String[]{first, source.commit(REPO, branch)};
    }

    /** The project's chunks as path, lines and content: what an index of its commit holds. */
    private Set<String> contents(Project project) {
        return store.vectorSearch(project.id(), new float[embedder.dimension()], 10_000).stream()
                .map(ScoredChunk::chunk)
                .peek(chunk -> assertThat(chunk.id()).as("the id it has in this project")
                        .isEqualTo(chunk.inProject(project.id()).id()))
                .map(chunk -> chunk.citation() + " " + chunk.contentHash())
                .collect(Collectors.toSet());
    }

    @Test
    void aBranchsFirstIndexCopiesTheMainLinesAndReadsAndEmbedsOnlyWhatDiffers() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        int readsBefore = source.reads();
        long inputsBefore = embedder.inputs();

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("the changed and the added file only").isEqualTo(2);
        assertThat(embedder.inputs() - inputsBefore).isEqualTo(job.progress().chunksEmbedded())
                .as("the chunks of the two files read, every one of them new")
                .isEqualTo(store.chunkKeys(branch.id(), java.util.List.of("src/Service2.java", "src/Added.java")).size())
                .isLessThan(store.count(branch.id()) / 3);
        Project scratch = indexedFromNothing(commits[1]);
        assertThat(contents(branch)).isEqualTo(contents(scratch)).isNotEqualTo(contents(main));
        assertThat(job.progress().percent()).isEqualTo(100);
        assertThat(rag.ask(branch.id(), "what does Added return?", null).citations())
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("src/Added.java"));
        assertThat(jobs.skippedFiles(branch.id()).orElseThrow().total())
                .as("the files the main line's index left out, left out here too")
                .isEqualTo(scratchJobs.skippedFiles(scratch.id()).orElseThrow().total()).isPositive();

        // The copy is the branch's own: the main line's project goes, the branch keeps answering.
        rag.delete(main.id());
        assertThat(contents(branch)).isEqualTo(contents(scratch));
    }

    /**
     * The same files as the commit's, indexed by a project of another source (so with nothing to
     * start from): what a first job reading every file builds.
     */
    private Project indexedFromNothing(String commit) {
        return indexedFromNothing(REPO, commit);
    }

    private Project indexedFromNothing(String repository, String commit) {
        source.commit("mem://elsewhere", filesOf(repository, commit));
        // Projects of its own: no other index to start from. Same store, so contents() reads it.
        try (RepoRag scratchRag = RepoRag.builder().source(source).embedder(embedder).vectorStore(store)
                .jobs(scratchJobs).conversations(new InMemoryConversationRepository()).settings(settings).build()) {
            Project scratch = scratchRag.register("scratch-" + scratchJobs.projects().size(), "mem://elsewhere", null);
            IngestionJob job = scratchRag.requestIngestion(scratch.id());
            assertThat(scratchRag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow()
                    .status()).isEqualTo(JobStatus.READY);
            return scratch;
        }
    }

    private Map<String, String> filesOf(String commit) {
        return filesOf(REPO, commit);
    }

    private Map<String, String> filesOf(String repository, String commit) {
        Project probe = new Project(ProjectId.random(), "probe", repository, commit, Instant.EPOCH,
                dev.reporag.core.model.PathRules.NONE);
        Map<String, String> files = new TreeMap<>();
        try (var snapshot = source.open(probe)) {
            snapshot.files().forEach(f -> files.put(f.path(), new String(snapshot.read(f),
                    java.nio.charset.StandardCharsets.UTF_8)));
        }
        return files;
    }

    @Test
    void aForkStartsFromItsUpstreamsIndexAndReadsOnlyWhatDiffers() {
        String upstreamCommit = source.commit(REPO, IngestionTest.repository());
        Project upstream = rag.register("upstream", REPO, null);
        ingest(upstream);
        source.fork(REPO, "mem://fork");
        Map<String, String> forked = new TreeMap<>(filesOf(upstreamCommit));
        forked.put("src/Service2.java", forked.get("src/Service2.java").replace("int doubled = value + value;",
                "int doubled = 2 * value; // the fork's"));
        String forkCommit = source.commit("mem://fork", forked);
        int readsBefore = source.reads();
        long inputsBefore = embedder.inputs();

        Project fork = rag.register("fork", "mem://fork", null);
        IngestionJob job = ingest(fork);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(job.commit()).isEqualTo(forkCommit);
        assertThat(source.reads() - readsBefore).as("the one file the fork changed").isEqualTo(1);
        assertThat(embedder.inputs() - inputsBefore).isEqualTo(job.progress().chunksEmbedded()).isPositive()
                .isLessThan(store.count(fork.id()) / 3);
        assertThat(contents(fork)).isEqualTo(contents(indexedFromNothing("mem://fork", forkCommit)))
                .isNotEqualTo(contents(upstream));
        rag.delete(upstream.id());
        assertThat(store.count(fork.id())).as("the copy is the fork's own").isPositive();
    }

    @Test
    void ofTheIndexesWhoseCommitsAForkHoldsTheOneWithFewestDifferencesIsCopied() {
        String[] commits = twoCommits(); // the second changes, adds and deletes a file
        Project older = rag.register("older", REPO, commits[0]);
        ingest(older);
        Project newer = rag.register("newer", REPO, commits[1]);
        ingest(newer);
        // An older index finished last: the nearer commit wins over the newer index.
        ingest(older);
        source.fork(REPO, "mem://fork");
        Map<String, String> forked = new TreeMap<>(filesOf(commits[1]));
        forked.put("README.md", "# the fork's readme\n");
        String forkCommit = source.commit("mem://fork", forked);
        int readsBefore = source.reads();

        Project fork = rag.register("fork", "mem://fork", null);
        IngestionJob job = ingest(fork);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("README.md only, as from the newer commit").isEqualTo(1);
        assertThat(contents(fork)).isEqualTo(contents(indexedFromNothing("mem://fork", forkCommit)));
    }

    @Test
    void anIndexOfARepositoryThatDiffersInMostFilesIsNotCopied() {
        source.commit(REPO, IngestionTest.repository());
        ingest(rag.register("upstream", REPO, null));
        int readByAFirstIndex = source.reads();
        // Another repository: every file but one edited.
        Map<String, String> files = new TreeMap<>(IngestionTest.repository());
        files.replaceAll((path, text) -> path.equals("README.md") ? text : text + "\n// elsewhere\n");
        source.commit("mem://unrelated", files);
        AtomicBoolean copied = new AtomicBoolean();
        rag.close();
        rag = rag(before("copyChunks", args -> copied.set(true)));
        int readsBefore = source.reads();

        IngestionJob job = ingest(rag.register("unrelated", "mem://unrelated", null));

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(copied).isFalse();
        assertThat(source.reads() - readsBefore).as("every file, as the upstream's first index read them")
                .isEqualTo(readByAFirstIndex);
    }

    @Test
    void theSameFilesAtAnotherAddressStartFromItsIndexThoughNoCommitIsShared() {
        String commit = source.commit(REPO, IngestionTest.repository());
        Project upstream = rag.register("upstream", REPO, null);
        ingest(upstream);
        // The same files at another address under another repository name, committed there anew
        // (other commit ids): compared with the copy the source keeps of the first repository.
        String mirrorCommit = source.commit("mem://mirror-elsewhere", filesOf(commit));
        int readsBefore = source.reads();
        long inputsBefore = embedder.inputs();

        Project mirror = rag.register("mirror", "mem://mirror-elsewhere", null);
        IngestionJob job = ingest(mirror);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(job.commit()).isEqualTo(mirrorCommit).isNotEqualTo(commit);
        assertThat(source.reads() - readsBefore).as("nothing differs").isZero();
        assertThat(embedder.inputs() - inputsBefore).isZero();
        assertThat(contents(mirror)).isEqualTo(contents(upstream));
    }

    @Test
    void aNewProjectLooksUpNoMoreThanEightIndexesOfOtherRepositories() {
        Set<ProjectId> others = new java.util.HashSet<>();
        for (int i = 0; i < 12; i++) {
            String repository = "mem://other-" + i;
            source.commit(repository, Map.of("src/Other" + i + ".java", "class Other" + i + " { int n = " + i + "; }\n"));
            Project other = rag.register("other-" + i, repository, null);
            assertThat(ingest(other).status()).isEqualTo(JobStatus.READY);
            others.add(other.id());
        }
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        rag.close();
        rag = rag(before("models", args -> {
            if (others.contains(args[0])) {
                lookups.incrementAndGet();
            }
        }));
        source.commit("mem://new", IngestionTest.repository());

        IngestionJob job = ingest(rag.register("new", "mem://new", null));

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(lookups.get()).as("the other projects' models looked up").isPositive()
                .isLessThanOrEqualTo(SiblingIndex.MAX_RELATED);
    }

    @Test
    void theCopyRunsBesideTheCloneOrFetch() throws InterruptedException {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        CountDownLatch copying = new CountDownLatch(1);
        AtomicBoolean copiedDuringTheFetch = new AtomicBoolean();
        RepositorySource slowToOpen = (RepositorySource) Proxy.newProxyInstance(
                RepositorySource.class.getClassLoader(), new Class<?>[]{RepositorySource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("open") && ((Project) args[0]).name().equals("branch")) {
                        // A fetch that ends only once the copy has started (or after 10 s without it).
                        copiedDuringTheFetch.set(copying.await(10, TimeUnit.SECONDS));
                    }
                    try {
                        return method.invoke(source, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        rag.close();
        rag = rag(onCopy(copying::countDown), slowToOpen, settings);

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(copiedDuringTheFetch).as("the copy started while the snapshot was fetched").isTrue();
        assertThat(contents(branch)).isEqualTo(contents(indexedFromNothing(commits[1])));
    }

    @Test
    void theJobWritesNothingWhileTheCopyRuns() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        long inputsBefore = embedder.inputs();
        AtomicBoolean copying = new AtomicBoolean();
        AtomicBoolean writtenBesideTheCopy = new AtomicBoolean();
        VectorStore watched = (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("copyChunks")) {
                        copying.set(true);
                        try {
                            // A slow copy: it ends once the job has sent its request, and a while after.
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                            while (embedder.inputs() == inputsBefore && System.nanoTime() < deadline) {
                                Thread.sleep(5);
                            }
                            Thread.sleep(300);
                            return method.invoke(store, args);
                        } finally {
                            copying.set(false);
                        }
                    }
                    if (Set.of("upsert", "delete", "deletePaths", "activate").contains(method.getName())
                            && copying.get()) {
                        writtenBesideTheCopy.set(true); // on PostgreSQL, a write that could deadlock with it
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        rag.close();
        rag = rag(watched);

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(embedder.inputs()).as("the request went out while the copy ran").isGreaterThan(inputsBefore);
        assertThat(writtenBesideTheCopy).isFalse();
        assertThat(contents(branch)).isEqualTo(contents(indexedFromNothing(commits[1])));
    }

    @Test
    void aCopyThatCannotBeStartedFromIsReconciledByReadingEveryFile() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        // A limit raised since the main line was indexed: its index may leave out files this job keeps,
        // which only reading every file finds. The copy, started before that is known, is reconciled.
        rag.close();
        rag = rag(store, source, settings.toBuilder()
                .fileFilter(FileFilter.withExtraExcludes(1_000_000, List.of(), List.of())).build());
        int readsBefore = source.reads();

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("every text file read").isGreaterThan(5);
        assertThat(contents(branch)).as("no copy of the deleted or the changed file's old version left")
                .isEqualTo(contents(indexedFromNothing(commits[1])));
    }

    @Test
    void aSiblingWithAJobQueuedIsNotCopied() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        rag.requestIngestion(main.id()); // queued: its index may change under a copy
        int readsBefore = source.reads();

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = rag.process(rag.requestIngestion(branch.id()).id(), "w", new Cancellation(),
                IngestionListener.NONE).orElseThrow();

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("every text file read").isGreaterThan(5);
    }

    @Test
    void aCopyThatFailsLeavesTheJobReadingEveryFile() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        VectorStore failing = onCopy(() -> {
            throw new StoreException("the vectors of 2 chunks are gone"); // the sibling deleted meanwhile
        });
        rag.close();
        rag = rag(failing);
        int readsBefore = source.reads();

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("every text file read").isGreaterThan(5);
        assertThat(contents(branch)).isEqualTo(contents(indexedFromNothing(commits[1])));
    }

    @Test
    void aSiblingIndexedAgainWhileItsChunksAreCopiedLeavesNothingCopied() {
        String[] commits = twoCommits();
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        AtomicBoolean enqueued = new AtomicBoolean();
        VectorStore racing = (VectorStore) Proxy.newProxyInstance(VectorStore.class.getClassLoader(),
                new Class<?>[]{VectorStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("copyChunks") && enqueued.compareAndSet(false, true)) {
                        jobs.enqueue(main.id(), Instant.now()); // a push to the main line, as the copy ran
                    }
                    return result;
                });
        rag.close();
        rag = rag(racing);
        int readsBefore = source.reads();

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(enqueued).isTrue();
        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        assertThat(source.reads() - readsBefore).as("every text file read").isGreaterThan(5);
        assertThat(contents(branch)).isEqualTo(contents(indexedFromNothing(commits[1])));
    }

    @Test
    void aProjectOfTheSameRepositoryWrittenAnotherWayIsASibling() {
        String commit = source.commit("mem://git.example/acme/shop", IngestionTest.repository());
        Project main = rag.register("main", "mem://git.example/acme/shop", commit);
        ingest(main);
        Project written = new Project(ProjectId.random(), "written", "mem://git.example/acme/shop.git/", null,
                Instant.EPOCH, dev.reporag.core.model.PathRules.NONE);
        Project elsewhere = new Project(ProjectId.random(), "elsewhere", "mem://git.example/acme/other", null,
                Instant.EPOCH, dev.reporag.core.model.PathRules.NONE);

        assertThat(SiblingIndex.find(written, jobs, store)).map(s -> s.project().id()).contains(main.id());
        assertThat(SiblingIndex.find(elsewhere, jobs, store)).isEmpty();
    }

    /** The main line, then a commit changing one file of {@code main} as {@code edit} does. */
    private String[] editOf(java.util.function.UnaryOperator<String> edit) {
        Map<String, String> main = IngestionTest.repository();
        String first = source.commit(REPO, main);
        Map<String, String> edited = new TreeMap<>(main);
        edited.put("src/Service2.java", edit.apply(main.get("src/Service2.java")));
        return new String[]{first, source.commit(REPO, edited)};
    }

    /** {@code store}, recording the paths of the chunks each upsert writes. */
    private VectorStore recordingUpserts(List<String> paths) {
        return before("upsert", args -> ((List<?>) args[0]).forEach(c -> paths.add(
                ((dev.reporag.core.model.EmbeddedChunk) c).chunk().path())));
    }

    /** The project's chunks (path, lines, content) with the embedding key each is stored under. */
    private Map<String, String> keys(Project project) {
        Map<String, String> byId = store.chunkKeys(project.id(), filesOf(project.ref()).keySet());
        return store.vectorSearch(project.id(), new float[embedder.dimension()], 10_000).stream()
                .map(ScoredChunk::chunk)
                .collect(Collectors.toMap(c -> c.citation() + " " + c.contentHash(), c -> byId.get(c.id()),
                        (a, b) -> a, TreeMap::new));
    }

    @Test
    void theUnchangedChunksOfAChangedFileComeWithTheCopyAndAreNotWrittenAgain() {
        // The file's last method only: its first chunks are the main line's, place and text.
        String[] commits = editOf(text -> text.replace("return value * 211;", "return value * 2110;"));
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        rag.close();
        rag = rag(recordingUpserts(written));

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        long chunksOfTheFile = store.chunkKeys(branch.id(), List.of("src/Service2.java")).size();
        assertThat(chunksOfTheFile).isGreaterThan(1);
        assertThat(written).as("the changed chunks alone are written; the others come with the copy")
                .isNotEmpty().hasSizeLessThan((int) chunksOfTheFile).containsOnly("src/Service2.java");
        assertThat(job.progress().chunksEmbedded()).isEqualTo(written.size());
        Project scratch = indexedFromNothing(commits[1]);
        assertThat(contents(branch)).isEqualTo(contents(scratch)).isNotEqualTo(contents(main));
        assertThat(keys(branch)).isEqualTo(keys(scratch));
    }

    @Test
    void aChunkWhoseHeaderChangedIsEmbeddedAgainThoughItsTextDidNot() {
        // The class renamed on its first line: every later chunk keeps its place and text, but its
        // header names the class it sits in.
        String[] commits = editOf(text -> text.replace("class Service2 {", "class Renamed2 {"));
        Project main = rag.register("main", REPO, commits[0]);
        ingest(main);

        Project branch = rag.register("branch", REPO, commits[1]);
        IngestionJob job = ingest(branch);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        Project scratch = indexedFromNothing(commits[1]);
        assertThat(contents(branch)).isEqualTo(contents(scratch));
        assertThat(keys(branch)).as("every chunk under the renamed class's header").isEqualTo(keys(scratch))
                .isNotEqualTo(keys(main));
        assertThat(job.progress().chunksEmbedded()).isEqualTo(store.chunkKeys(branch.id(),
                List.of("src/Service2.java")).size());
    }

    @Test
    void aReindexEmbedsAgainTheChunksWhoseHeaderChangedThoughTheirTextDidNot() {
        String[] commits = editOf(text -> text.replace("class Service2 {", "class Renamed2 {"));
        source.commit(REPO, filesOf(commits[0])); // the project's first index: the first commit's files
        Project project = rag.register("project", REPO, null);
        ingest(project);
        Map<String, String> before = keys(project);
        source.commit(REPO, filesOf(commits[1]));

        IngestionJob job = ingest(project);

        assertThat(job.status()).as("%s", job.error()).isEqualTo(JobStatus.READY);
        Project scratch = indexedFromNothing(commits[1]);
        assertThat(keys(project)).isEqualTo(keys(scratch)).isNotEqualTo(before);
        assertThat(job.progress().chunksEmbedded()).isEqualTo(store.chunkKeys(project.id(),
                List.of("src/Service2.java")).size());
    }
}

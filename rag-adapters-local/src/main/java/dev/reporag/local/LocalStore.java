package dev.reporag.local;

import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The embedded store: everything repo-rag keeps, in one data directory, with no server.
 *
 * <pre>
 * store.lock      the owner's PID, under an OS lock: one process per directory
 * state.mv.db     projects, jobs, conversations, each project's embedding model (H2 MVStore)
 * index-&lt;model&gt;/  chunks with vectors and keyword terms, one Lucene index per embedding model
 * </pre>
 *
 * Opened with a model, the store reads and writes that model's index; other models' indexes stay
 * beside it, and each project answers from the model it was last completely embedded with (see
 * {@link dev.reporag.core.port.VectorStore}). A store written before per-model indexes had one
 * {@code index/} of the model recorded in its state: opening it moves that index to its model's
 * directory and records it as the model of every project it holds.
 */
public final class LocalStore implements AutoCloseable {
    static final String MODEL_KEY = "embedding.model";
    static final String DIMENSION_KEY = "embedding.dimension";

    private final Path directory;
    private final DirectoryLock lock;
    private final MvState state;
    private final LuceneVectorStore vectors;
    private final MvStoreJobRepository jobs;
    private final MvStoreConversationRepository conversations;

    private LocalStore(Path directory, DirectoryLock lock, MvState state, LuceneVectorStore vectors) {
        this.directory = directory;
        this.lock = lock;
        this.state = state;
        this.vectors = vectors;
        this.jobs = new MvStoreJobRepository(state);
        this.conversations = new MvStoreConversationRepository(state);
    }

    /**
     * Opens (creating it when absent) the store in {@code dir} for vectors of one model.
     *
     * @throws StoreException when another process uses the directory, or it cannot be read
     */
    public static LocalStore open(Path dir, String modelId, int dimension) {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive");
        }
        Path directory = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            // The JDK's message of a file-system error is the path alone: say what went wrong with it.
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied for " + e.getMessage()
                    : e instanceof java.nio.file.FileAlreadyExistsException ? e.getMessage() + " is a file"
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                    ? fs.getReason() + " (" + fs.getFile() + ")" : e.getMessage();
            throw new StoreException("cannot create the data directory " + directory + ": " + why
                    + "; set RAG_HOME to a directory this user may write", e);
        }
        DirectoryLock lock = DirectoryLock.acquire(directory);
        MvState state = null;
        try {
            state = new MvState(directory);
            LocalModels models = new LocalModels(state, directory);
            upgradeSingleIndex(state, models, directory);
            EmbeddingModel model = new EmbeddingModel(modelId, dimension);
            LuceneVectorStore vectors = new LuceneVectorStore(models.indexOf(model), model, models);
            LocalStore store = new LocalStore(directory, lock, state, vectors);
            int cleaned = StoreUpgrades.run(state);
            if (cleaned > 0) {
                LoggerFactory.getLogger(LocalStore.class).info("removed the credentials from the repository URLs"
                        + " of {} project(s); configure a token per host instead (docs/git-source.md)", cleaned);
            }
            int orphans = store.jobs.expireLeases(Instant.now());
            if (orphans > 0) {
                LoggerFactory.getLogger(LocalStore.class).info("{} job(s) left running by a stopped process can"
                        + " resume now", orphans);
            }
            return store;
        } catch (RuntimeException e) {
            if (state != null) {
                state.close();
            }
            lock.close();
            throw e instanceof StoreException ? e
                    : new StoreException("cannot open the store at " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The embedding model a store of the release before per-model indexes recorded in {@code dir}
     * (it embedded every project with it): what a process not told which model to use embeds with,
     * so such a store keeps answering after the default changed. Empty when the directory holds no
     * store, or a store of this release (which keeps models per project).
     *
     * @throws StoreException when another process uses the directory, or it cannot be read
     */
    public static Optional<String> recordedModel(Path dir) {
        Path directory = dir.toAbsolutePath().normalize();
        if (!Files.exists(directory.resolve(MvState.FILE_NAME))) {
            return Optional.empty();
        }
        try (DirectoryLock lock = DirectoryLock.acquire(directory)) {
            MvState state = new MvState(directory);
            try {
                return Optional.ofNullable(state.read(() -> state.meta.get(MODEL_KEY)));
            } finally {
                state.close();
            }
        }
    }

    /**
     * A store of an earlier release: {@code index/} holds the chunks of the model recorded in the
     * state. It becomes that model's index, answering for every project with chunks in it.
     */
    private static void upgradeSingleIndex(MvState state, LocalModels models, Path directory) {
        Path single = directory.resolve("index");
        if (!Files.isDirectory(single)) {
            return;
        }
        String storedModel = state.read(() -> state.meta.get(MODEL_KEY));
        String storedDimension = state.read(() -> state.meta.get(DIMENSION_KEY));
        if (storedModel == null || storedDimension == null) {
            return;
        }
        EmbeddingModel model = new EmbeddingModel(storedModel, Integer.parseInt(storedDimension));
        Path target = models.indexOf(model);
        try (LuceneVectorStore old = new LuceneVectorStore(single, model, models)) {
            for (String project : state.read(() -> List.copyOf(state.projects.keySet()))) {
                ProjectId id = new ProjectId(project);
                if (old.count(id) > 0) {
                    models.adopt(id, model);
                }
            }
        }
        try {
            if (Files.exists(target)) {
                throw new StoreException("cannot upgrade the store at " + directory + ": both " + single + " and "
                        + target + " exist; move one away");
            }
            Files.move(single, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StoreException("cannot upgrade the store at " + directory + ": " + e.getMessage(), e);
        }
        LoggerFactory.getLogger(LocalStore.class).info("the index of model {} now lives in {}", model, target);
    }

    public VectorStore vectorStore() {
        return vectors;
    }

    public JobRepository jobs() {
        return jobs;
    }

    public ConversationRepository conversations() {
        return conversations;
    }

    public Path directory() {
        return directory;
    }

    /** Closes the index and the state file, then gives the directory up. */
    @Override
    public void close() {
        try {
            vectors.close();
        } finally {
            try {
                state.close();
            } finally {
                lock.close();
            }
        }
    }
}

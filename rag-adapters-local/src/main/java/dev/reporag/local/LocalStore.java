package dev.reporag.local;

import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded store: everything repo-rag keeps, in one data directory, with no server.
 *
 * <pre>
 * store.lock    the owner's PID, under an OS lock: one process per directory
 * state.mv.db   projects, jobs, conversations, the embedding model (H2 MVStore)
 * index/        chunks with vectors and keyword terms (Apache Lucene)
 * </pre>
 *
 * The directory is tied to the embedding model of the vectors it holds: opening it with another
 * fails, since vectors of two models cannot be compared. A store with no vectors (new, or whose
 * projects were all deleted or never indexed) takes the model of the run that opens it.
 */
public final class LocalStore implements AutoCloseable {
    /** Environment variable naming the data directory. */
    public static final String HOME_VARIABLE = "RAG_HOME";
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
     * @throws StoreException when another process uses the directory, or it was built with another
     *                        model or dimension, or it cannot be read
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
            throw new StoreException("cannot create the data directory " + directory + ": " + e.getMessage(), e);
        }
        DirectoryLock lock = DirectoryLock.acquire(directory);
        MvState state = null;
        try {
            state = new MvState(directory);
            LuceneVectorStore vectors = new LuceneVectorStore(directory.resolve("index"), dimension);
            LocalStore store = new LocalStore(directory, lock, state, vectors);
            try {
                checkModel(state, vectors, directory, modelId, dimension);
            } catch (RuntimeException e) {
                vectors.close();
                throw e;
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
     * The embedding model the store in {@code dir} was built with, when there is one there: what a
     * process not told which model to use embeds with, so a store keeps working after the default
     * changes. Empty when the directory holds no store yet.
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

    /** {@code RAG_HOME} when set, else {@code ~/.repo-rag}. */
    public static Path defaultHome() {
        return home(System.getenv(), System.getProperty("user.home"));
    }

    static Path home(Map<String, String> env, String userHome) {
        String configured = env.get(HOME_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(userHome, ".repo-rag");
    }

    /** Records the model of the run, unless the store holds vectors of another one. */
    private static void checkModel(MvState state, LuceneVectorStore vectors, Path directory, String modelId,
                                   int dimension) {
        String storedModel = state.read(() -> state.meta.get(MODEL_KEY));
        String storedDimension = state.read(() -> state.meta.get(DIMENSION_KEY));
        if (modelId.equals(storedModel) && Integer.toString(dimension).equals(storedDimension)) {
            return;
        }
        long held = vectors.size();
        if (storedModel != null && held > 0) {
            throw new StoreException("the store at " + directory + " holds " + held + " vectors of model '"
                    + storedModel + "' (" + storedDimension + " dimensions), but this run embeds with '" + modelId
                    + "' (" + dimension + " dimensions), and vectors of two models cannot be compared. Embed with '"
                    + storedModel + "' again, or switch models by indexing again into an empty store: set RAG_HOME"
                    + " to a new directory (or delete this one) and ingest each repository again");
        }
        if (held == 0) {
            if (storedModel != null) {
                LoggerFactory.getLogger(LocalStore.class).info("the store at {} holds no vectors: it now takes model"
                        + " '{}' ({} dimensions) instead of '{}'", directory, modelId, dimension, storedModel);
            }
            vectors.clear(); // no field of the old dimension left either
        }
        state.write(() -> {
            state.meta.put(MODEL_KEY, modelId);
            state.meta.put(DIMENSION_KEY, Integer.toString(dimension));
            return null;
        });
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

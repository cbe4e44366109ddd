package dev.reporag.local;

import dev.reporag.core.port.StoreException;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Projects, jobs, conversations and store metadata in one H2 MVStore file, used as a key-value
 * store (no SQL, no JDBC). MVStore is append-only and each commit is a new version of every map
 * together, so a crash mid-write leaves the last committed version. Every write here runs under
 * one lock and ends with a commit: what a caller was told is saved is on disk.
 */
final class MvState implements AutoCloseable {
    static final String FILE_NAME = "state.mv.db";

    private final MVStore store;
    final MVMap<String, String> meta;
    final MVMap<String, byte[]> projects;
    final MVMap<String, byte[]> jobs;
    final MVMap<String, byte[]> conversations;
    final MVMap<String, byte[]> turns;
    /** Per project id, its list of skipped files in the core's stored form. */
    final MVMap<String, byte[]> skipped;
    /** Per project id, the model answering for it and the one being built ("dim id\ndim id"). */
    final MVMap<String, String> models;

    MvState(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            throw new StoreException("cannot open the job store " + file + ": " + e.getMessage(), e);
        }
        meta = store.openMap("meta");
        projects = store.openMap("projects");
        jobs = store.openMap("jobs");
        conversations = store.openMap("conversations");
        turns = store.openMap("turns");
        skipped = store.openMap("skipped"); // absent from stores written before it: opened empty
        models = store.openMap("models"); // likewise
    }

    /** Runs a read under the write lock, so it never sees half of a write. */
    synchronized <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (MVStoreException e) {
            throw new StoreException("reading the job store failed: " + e.getMessage(), e);
        }
    }

    /** Runs a change and commits it; a change that throws is rolled back. */
    synchronized <T> T write(Supplier<T> change) {
        try {
            T result = change.get();
            store.commit();
            return result;
        } catch (RuntimeException e) {
            store.rollback();
            if (e instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("writing to the job store failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}

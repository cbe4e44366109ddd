package dev.reporag.local;

import dev.reporag.core.port.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time per data directory: an OS file lock on {@code store.lock}, which holds the
 * owner's PID so a second process can say who has it. The OS drops the lock when the owner dies,
 * even by SIGKILL, so a stale file never blocks a restart.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "store.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create the lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String owner = readOwner(channel);
                channel.close();
                throw new StoreException("the store at " + dir + " is in use by process " + owner
                        + "; stop that process or set RAG_HOME to another directory");
            }
            byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new DirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock the store at " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String readOwner(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            int read = channel.read(buffer, 0);
            String pid = read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d+") ? pid : "(unknown)";
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}

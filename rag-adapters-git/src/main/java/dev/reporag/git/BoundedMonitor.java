package dev.reporag.git;

import org.eclipse.jgit.lib.ProgressMonitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Bounds one clone or fetch in time and in bytes received. JGit polls {@code isCancelled} while it
 * receives and indexes a pack; the incoming pack is written under {@code objects/}, so its growth
 * is measured there (at most every 100 ms).
 */
final class BoundedMonitor implements ProgressMonitor {
    enum Stop { NONE, TIMEOUT, TOO_BIG }

    private final long deadlineNanos;
    private final Path objectsDir;
    private final long maxBytes;
    private final long baseline;
    private long nextMeasure = System.nanoTime();
    private volatile Stop stop = Stop.NONE;

    BoundedMonitor(Duration timeout, Path gitDir, long maxBytes) {
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.objectsDir = gitDir.resolve("objects");
        this.maxBytes = maxBytes;
        this.baseline = size(objectsDir);
    }

    Stop stop() {
        return stop;
    }

    @Override
    public boolean isCancelled() {
        if (stop != Stop.NONE) {
            return true;
        }
        long now = System.nanoTime();
        if (now - deadlineNanos > 0) {
            stop = Stop.TIMEOUT;
            return true;
        }
        if (now - nextMeasure >= 0) {
            nextMeasure = now + 100_000_000L;
            if (size(objectsDir) - baseline > maxBytes) {
                stop = Stop.TOO_BIG;
                return true;
            }
        }
        return false;
    }

    /** Checks the bounds once more after JGit is done, for downloads too quick to be polled. */
    void checkAfterwards() {
        nextMeasure = System.nanoTime();
        isCancelled();
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a temporary file JGit just removed
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void start(int totalTasks) {
    }

    @Override
    public void beginTask(String title, int totalWork) {
    }

    @Override
    public void update(int completed) {
    }

    @Override
    public void endTask() {
    }

    @Override
    public void showDuration(boolean enabled) {
    }
}

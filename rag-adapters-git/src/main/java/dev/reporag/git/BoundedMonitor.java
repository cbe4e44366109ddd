package dev.reporag.git;

import dev.reporag.core.port.FetchMonitor;
import org.eclipse.jgit.lib.ProgressMonitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Bounds one clone or fetch in time and in bytes received, stops it when the caller's
 * {@link FetchMonitor} says cancelled, and passes JGit's progress on to that monitor. JGit polls
 * {@code isCancelled} while it receives and indexes a pack (about once per object); the incoming
 * pack is written under {@code objects/}, so its growth is measured there (at most every 100 ms).
 *
 * <p>JGit calls the progress methods from the fetching thread only. Each task is reported when it
 * begins, at most every {@link #REPORT_INTERVAL} while it runs, and as it ends (when it ends, or
 * when the next task begins), unless that last state was just reported.
 */
final class BoundedMonitor implements ProgressMonitor {
    enum Stop { NONE, TIMEOUT, TOO_BIG, CANCELLED }

    static final Duration REPORT_INTERVAL = Duration.ofMillis(250);
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final long deadlineNanos;
    private final Path objectsDir;
    private final long maxBytes;
    private final long baseline;
    private final FetchMonitor fetch;
    private long nextMeasure = System.nanoTime();
    private volatile Stop stop = Stop.NONE;
    private String task;
    private long done;
    private long total;
    private long reportedDone;
    private long nextReport;

    BoundedMonitor(Duration timeout, Path gitDir, long maxBytes, FetchMonitor fetch) {
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.objectsDir = gitDir.resolve("objects");
        this.maxBytes = maxBytes;
        this.baseline = size(objectsDir);
        this.fetch = fetch;
    }

    Stop stop() {
        return stop;
    }

    @Override
    public boolean isCancelled() {
        if (stop != Stop.NONE) {
            return true;
        }
        if (fetch.isCancelled()) {
            stop = Stop.CANCELLED;
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

    /**
     * Checks the size once more after JGit is done, for downloads too quick to be polled; measured
     * even when a timeout or cancellation came too late to stop the fetch, so neither can hide it.
     */
    void checkAfterwards() {
        if (size(objectsDir) - baseline > maxBytes) {
            stop = Stop.TOO_BIG;
        }
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
        // The remote's tasks (read from the side band) begin without the one before being ended.
        endTask();
        // The remote names its own tasks: no control character of theirs reaches a terminal or log.
        task = CONTROL.matcher(title).replaceAll("?");
        done = 0;
        total = Math.max(0, totalWork); // UNKNOWN is 0
        report();
    }

    @Override
    public void update(int completed) {
        if (task != null) {
            done += completed;
            if (System.nanoTime() - nextReport >= 0) {
                report();
            }
        }
    }

    @Override
    public void endTask() {
        if (task != null && done != reportedDone) {
            report();
        }
        task = null;
    }

    private void report() {
        nextReport = System.nanoTime() + REPORT_INTERVAL.toNanos();
        reportedDone = done;
        // The port promises done <= total; a count that overshoots its announced total is capped.
        fetch.onFetchProgress(task, total > 0 ? Math.min(done, total) : done, total);
    }

    @Override
    public void showDuration(boolean enabled) {
    }
}

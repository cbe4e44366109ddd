package dev.reporag.cli;

import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Shows a job's progress: a live bar on a terminal, plain lines otherwise (logs, pipes, CI), at
 * most one every few seconds or ten percent, with no control characters. While the repository is
 * cloned or fetched, its steps show on the bar's message, or as lines: none for a fetch done within
 * a few seconds, then one every few seconds, and the completion of a step a line was shown for.
 * The time left is the job's own estimate, made by the worker (the same the web page shows).
 */
final class ProgressPrinter implements IngestionListener {
    private final String name;
    private final PrintWriter err;
    private final ProgressBar bar;
    private final LongSupplier clock;
    private final long startNanos;
    private int lastPercent = -1;
    private long lastLineNanos;
    private long chunksAtStart = -1;
    private static final Duration LINE_INTERVAL = Duration.ofSeconds(3);
    private boolean fetching;
    private long lastFetchLineNanos;
    private String lastFetchLine;
    private String lastFetchTask;
    /** The job's latest estimate, read by the bar's own rendering thread. */
    private volatile Optional<Duration> eta = Optional.empty();

    ProgressPrinter(String name, PrintWriter err, boolean terminal) {
        this(name, err, terminal, System::nanoTime);
    }

    /** With the clock (nanoseconds) that paces the lines, for tests. */
    ProgressPrinter(String name, PrintWriter err, boolean terminal, LongSupplier clock) {
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastLineNanos = startNanos - LINE_INTERVAL.toNanos() - 1; // the first line is due
        this.name = name;
        this.err = err;
        this.bar = terminal ? new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(100)
                .setUnit("%", 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                .setUpdateIntervalMillis(250)
                .setEtaFunction(state -> eta)
                .build() : null;
    }

    @Override
    public synchronized void onFetchProgress(IngestionJob job, String task, long done, long total) {
        String detail = total > 0
                ? String.format("%s %d%% (%d/%d)", task, done * 100 / total, done, total)
                : task + " " + done;
        if (bar != null) {
            bar.setExtraMessage(" fetching: " + detail);
            return;
        }
        long now = clock.getAsLong();
        if (!fetching) {
            fetching = true;
            lastFetchLineNanos = now; // a quick fetch shows no line at all
        }
        boolean due = now - lastFetchLineNanos > LINE_INTERVAL.toNanos()
                || (total > 0 && done >= total && task.equals(lastFetchTask));
        if (due && !detail.equals(lastFetchLine)) {
            lastFetchLine = detail;
            lastFetchTask = task;
            lastFetchLineNanos = now;
            err.printf("%s: fetching: %s%n", name, detail);
            err.flush();
        }
    }

    @Override
    public synchronized void onCommit(IngestionJob job, String commit) {
        if (bar == null) {
            err.printf("%s: indexing commit %s%n", name, Foreground.shortCommit(commit));
            err.flush();
        }
    }

    @Override
    public synchronized void onProgress(IngestionJob job, Progress progress) {
        if (chunksAtStart < 0) {
            chunksAtStart = progress.chunksEmbedded();
        }
        eta = progress.eta();
        double seconds = (clock.getAsLong() - startNanos) / 1e9;
        double rate = seconds > 0 ? (progress.chunksEmbedded() - chunksAtStart) / seconds : 0;
        String detail = String.format("%d/%d files, %d/%d chunks, %.0f chunks/s", progress.filesDone(),
                progress.filesTotal(), progress.chunksDone(), progress.chunksTotal(), rate);
        if (bar != null) {
            bar.stepTo(progress.percent());
            bar.setExtraMessage(" " + detail);
            return;
        }
        long now = clock.getAsLong();
        boolean due = now - lastLineNanos > LINE_INTERVAL.toNanos() || progress.percent() >= lastPercent + 10;
        if (progress.percent() != lastPercent && due) {
            lastPercent = progress.percent();
            lastLineNanos = now;
            String left = progress.eta()
                    .map(t -> ", ETA " + minutesSeconds(t)).orElse("");
            err.printf("%s: %d%% (%s%s)%n", name, progress.percent(), detail, left);
            err.flush();
        }
    }

    /** The time left as the progress lines and `rag status` print it: "12:05". */
    static String minutesSeconds(Duration left) {
        return String.format("%d:%02d", left.toMinutes(), left.toSecondsPart());
    }

    synchronized void stopping() {
        err.printf("%nstopping %s at a safe point; the next run resumes from what is stored...%n", name);
        err.flush();
    }

    synchronized void finish(IngestionJob job) {
        if (bar != null) {
            if (job.status() == dev.reporag.core.model.JobStatus.READY) {
                bar.stepTo(100);
            }
            bar.close();
        }
    }
}

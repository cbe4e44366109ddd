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

/**
 * Shows a job's progress: a live bar on a terminal, plain lines otherwise (logs, pipes, CI), at
 * most one every few seconds or ten percent, with no control characters.
 */
final class ProgressPrinter implements IngestionListener {
    private final String name;
    private final PrintWriter err;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private int lastPercent = -1;
    private long lastLineNanos;
    private long chunksAtStart = -1;

    ProgressPrinter(String name, PrintWriter err, boolean terminal) {
        this.name = name;
        this.err = err;
        this.bar = terminal ? new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(100)
                .setUnit("%", 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                .setUpdateIntervalMillis(250)
                .build() : null;
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
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? (progress.chunksEmbedded() - chunksAtStart) / seconds : 0;
        String detail = String.format("%d/%d files, %d/%d chunks, %.0f chunks/s", progress.filesDone(),
                progress.filesTotal(), progress.chunksDone(), progress.chunksTotal(), rate);
        if (bar != null) {
            bar.stepTo(progress.percent());
            bar.setExtraMessage(" " + detail);
            return;
        }
        long now = System.nanoTime();
        boolean due = now - lastLineNanos > Duration.ofSeconds(3).toNanos() || progress.percent() >= lastPercent + 10;
        if (progress.percent() != lastPercent && due) {
            lastPercent = progress.percent();
            lastLineNanos = now;
            err.printf("%s: %d%% (%s%s)%n", name, progress.percent(), detail, eta(progress.percent(), seconds));
            err.flush();
        }
    }

    private static String eta(int percent, double seconds) {
        if (percent <= 0 || percent >= 100 || seconds < 1) {
            return "";
        }
        long left = Math.round(seconds * (100 - percent) / percent);
        return String.format(", ETA %d:%02d", left / 60, left % 60);
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

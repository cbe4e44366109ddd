package dev.reporag.cli;

import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Shows a job's progress: a live bar on a terminal, plain lines otherwise (logs, pipes, CI), at
 * most one every few seconds or ten percent, with no control characters. While the repository is
 * cloned or fetched, its steps show on the bar's message, or as lines: none for a fetch done within
 * a few seconds, then one every few seconds, and the completion of a step a line was shown for.
 * The time left is the job's own estimate, made by the worker (the same the web page shows).
 *
 * <p>The bar's line is laid out here ({@link #barLine}) to the terminal's width, which the
 * progress bar library measures: the percentage once, a bar of 10 to 60 cells, then as many details
 * as fit, the least useful dropped first (speed, then chunks, then files; the time left stays).
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
    /** What the bar shows, read by the bar's own rendering thread. */
    private volatile Optional<Duration> eta = Optional.empty();
    private volatile List<String> details = List.of();
    private volatile String fetchDetail;
    static final int MIN_CELLS = 10;
    static final int MAX_CELLS = 60;

    ProgressPrinter(String name, PrintWriter err, boolean terminal) {
        this(name, err, terminal ? new ConsoleProgressBarConsumer(new PrintStream(System.err, true)) : null,
                System::nanoTime);
    }

    /** With the clock (nanoseconds) that paces the lines, for tests. */
    ProgressPrinter(String name, PrintWriter err, boolean terminal, LongSupplier clock) {
        this(name, err, terminal ? new ConsoleProgressBarConsumer(new PrintStream(System.err, true)) : null, clock);
    }

    /** @param console where the live bar goes (a terminal), or null for plain lines on {@code err} */
    ProgressPrinter(String name, PrintWriter err, ProgressBarConsumer console, LongSupplier clock) {
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastLineNanos = startNanos - LINE_INTERVAL.toNanos() - 1; // the first line is due
        this.name = name;
        this.err = err;
        this.bar = console == null ? null : new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(100)
                .setConsumer(console)
                .setRenderer(new BarRenderer())
                .setUpdateIntervalMillis(250)
                .build();
    }

    /** Renders on the library's thread, to the width its consumer measured. */
    private final class BarRenderer implements ProgressBarRenderer {
        @Override
        public String render(ProgressState state, int width) {
            String fetch = fetchDetail;
            if (fetch != null) {
                return fit(shorten(name, width / 3) + " fetching: " + fetch, width);
            }
            List<String> shown = new ArrayList<>(details);
            shown.add("ETA " + eta.map(ProgressPrinter::minutesSeconds).orElse("?"));
            return barLine(name, (int) state.getCurrent(), shown, width);
        }
    }

    /**
     * One line of at most {@code width} characters: name, percentage, bar, then {@code details} as
     * far as they fit with a bar of at least {@link #MIN_CELLS} cells, dropping from the second to
     * last backwards (the last, the time left, stays).
     */
    static String barLine(String name, int percent, List<String> details, int width) {
        String label = shorten(name, Math.max(8, width / 4));
        String head = label + " " + String.format("%3d%%", percent) + " ";
        List<String> shown = new ArrayList<>(details);
        while (true) {
            String tail = shown.isEmpty() ? "" : " " + String.join(", ", shown);
            int room = width - head.length() - 2 - tail.length();
            if (room >= MIN_CELLS || shown.size() <= 1) {
                int cells = Math.max(MIN_CELLS, Math.min(MAX_CELLS, room));
                int full = percent * cells / 100;
                return fit(head + "[" + "█".repeat(full) + "░".repeat(cells - full) + "]" + tail, width);
            }
            shown.remove(shown.size() - 2);
        }
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(1, max - 1)) + "…";
    }

    private static String fit(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width));
    }

    @Override
    public synchronized void onFetchProgress(IngestionJob job, String task, long done, long total) {
        String detail = total > 0
                ? String.format("%s %d%% (%d/%d)", task, done * 100 / total, done, total)
                : task + " " + done;
        if (bar != null) {
            fetchDetail = detail;
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
            err.printf("%s: indexing commit %s%n", name, TerminalIngestion.shortCommit(commit));
            err.flush();
        }
    }

    @Override
    public synchronized void onProgress(IngestionJob job, Progress progress) {
        // The speed of the count shown beside it: chunks stored, embedded or reused (counting only
        // embedded ones showed "2 chunks/s" for a second project storing 3,000 in two seconds).
        if (chunksAtStart < 0) {
            chunksAtStart = progress.chunksDone();
        }
        eta = progress.eta();
        double seconds = (clock.getAsLong() - startNanos) / 1e9;
        double rate = seconds > 0 ? (progress.chunksDone() - chunksAtStart) / seconds : 0;
        String files = progress.filesDone() + "/" + progress.filesTotal() + " files";
        String chunks = progress.chunksDone() + "/" + progress.chunksTotal() + " chunks";
        String speed = String.format("%.0f chunks/s", rate);
        if (bar != null) {
            fetchDetail = null;
            details = List.of(files, chunks, speed);
            bar.stepTo(progress.percent());
            return;
        }
        String detail = files + ", " + chunks + ", " + speed;
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

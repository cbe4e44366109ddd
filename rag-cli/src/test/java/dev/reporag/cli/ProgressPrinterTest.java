package dev.reporag.cli;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.ProjectId;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain lines the printer writes (no terminal: no bar), on a test clock. */
class ProgressPrinterTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final StringWriter err = new StringWriter();
    private final ProgressPrinter printer = new ProgressPrinter("shop", new PrintWriter(err), false, nanos::get);
    private final IngestionJob job = IngestionJob.pending(ProjectId.random(), Instant.now());

    private void after(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private String lines(String... lines) {
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    @Test
    void theSpeedCountsChunksStoredWithAVectorFoundByKeyAsWellAsThoseEmbedded() {
        printer.onProgress(job, new Progress(10, 0, 0, 3000, 0, 0, 0));
        after(2_000);
        printer.onProgress(job, new Progress(10, 10, 0, 3000, 3000, 3, 99));

        assertThat(err.toString()).endsWith(lines("shop: 99% (10/10 files, 3000/3000 chunks, 1500 chunks/s)"));
    }

    @Test
    void linesShowTheJobsEstimateOfTheTimeLeftOnceItHasOne() {
        printer.onProgress(job, new Progress(10, 1, 0, 40, 4, 4, 10));
        after(4_000);
        printer.onProgress(job, new Progress(10, 4, 0, 40, 16, 16, 40, 754));
        after(4_000);
        printer.onProgress(job, new Progress(10, 9, 0, 40, 38, 38, 95, 5));

        assertThat(err.toString()).isEqualTo(lines(
                "shop: 10% (1/10 files, 4/40 chunks, 0 chunks/s)",
                "shop: 40% (4/10 files, 16/40 chunks, 3 chunks/s, ETA 12:34)",
                "shop: 95% (9/10 files, 38/40 chunks, 4 chunks/s, ETA 0:05)"));
    }

    @Test
    void theBarLineFitsAnEightyColumnTerminalWithThePercentageOnce() {
        List<String> details = List.of("1234/1734 files", "120345/260678 chunks", "35 chunks/s", "ETA 12:34");

        String line = ProgressPrinter.barLine("my-repository", 42, details, 79); // an 80-column terminal

        assertThat(line.length()).isLessThanOrEqualTo(79);
        assertThat(line).startsWith("my-repository  42% [").contains("ETA 12:34");
        assertThat(line.split("%", -1)).as("one percentage").hasSize(2);
        assertThat(cells(line)).isGreaterThanOrEqualTo(ProgressPrinter.MIN_CELLS);
        assertThat(line).as("speed and chunks make room for the bar").doesNotContain("chunks/s")
                .doesNotContain("chunks,");
    }

    @Test
    void aWideTerminalGetsALongerBarAndEveryDetail() {
        List<String> details = List.of("1234/1734 files", "120345/260678 chunks", "35 chunks/s", "ETA 12:34");

        String line = ProgressPrinter.barLine("my-repository", 42, details, 199);

        assertThat(line.length()).isLessThanOrEqualTo(199);
        assertThat(line).endsWith("] 1234/1734 files, 120345/260678 chunks, 35 chunks/s, ETA 12:34");
        assertThat(cells(line)).isEqualTo(ProgressPrinter.MAX_CELLS);
        assertThat(line.chars().filter(c -> c == '█').count()).isEqualTo(42 * ProgressPrinter.MAX_CELLS / 100);
    }

    @Test
    void aVeryNarrowTerminalStillGetsOneLineThatFits() {
        String line = ProgressPrinter.barLine("a-very-long-repository-name-indeed", 7, List.of("3/9 files", "ETA ?"), 40);
        assertThat(line.length()).isLessThanOrEqualTo(40);
        assertThat(line).contains("  7% [");
    }

    @Test
    void theLiveBarOnATerminalRedrawsLinesThatFitItsWidth() {
        for (int width : new int[]{79, 199}) {
            java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
            ProgressPrinter bar = new ProgressPrinter("shop", new PrintWriter(new StringWriter()),
                    new me.tongfei.progressbar.ConsoleProgressBarConsumer(new java.io.PrintStream(screen, true,
                            java.nio.charset.StandardCharsets.UTF_8), width), nanos::get);
            bar.onFetchProgress(job, "Receiving objects", 5, 10);
            bar.onProgress(job, new Progress(1734, 600, 1112, 260678, 90000, 90000, 35, 754));
            bar.finish(job.finished(new dev.reporag.core.model.JobOutcome.Ready("c0ffee",
                    new Progress(1734, 1734, 1112, 260678, 260678, 260678, 100)), Instant.now()));

            String drawn = screen.toString(java.nio.charset.StandardCharsets.UTF_8);
            List<String> frames = java.util.Arrays.stream(drawn.split("[\r\n]")).filter(f -> !f.isEmpty()).toList();
            assertThat(frames).as("at " + width).isNotEmpty()
                    .allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(width))
                    .allSatisfy(f -> assertThat(f).doesNotContain("\u001b"));
            assertThat(frames.get(frames.size() - 1)).as("the last frame").startsWith("shop 100% [")
                    .containsOnlyOnce("%");
        }
    }

    private static int cells(String line) {
        return line.substring(line.indexOf('[') + 1, line.indexOf(']')).length();
    }

    @Test
    void aQuickFetchPrintsNothing() {
        printer.onFetchProgress(job, "remote: Counting objects", 0, 0);
        after(100);
        printer.onFetchProgress(job, "remote: Counting objects", 9, 0);
        printer.onFetchProgress(job, "Receiving objects", 0, 9);
        after(100);
        printer.onFetchProgress(job, "Receiving objects", 9, 9);
        printer.onFetchProgress(job, "Updating references", 1, 1);

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aSlowFetchPrintsALineEveryFewSecondsAndTheEndOfTheStepItShowed() {
        printer.onFetchProgress(job, "remote: Counting objects", 0, 0);
        after(1_000);
        printer.onFetchProgress(job, "remote: Counting objects", 2743, 0);
        printer.onFetchProgress(job, "Receiving objects", 0, 2742);
        after(2_500);
        printer.onFetchProgress(job, "Receiving objects", 1234, 2742); // 3.5 s in: shown
        after(1_000);
        printer.onFetchProgress(job, "Receiving objects", 1500, 2742); // 1 s later: quiet
        after(1_000);
        printer.onFetchProgress(job, "Receiving objects", 2742, 2742); // the end of the step shown
        printer.onFetchProgress(job, "Receiving objects", 2742, 2742); // the same again: not repeated
        printer.onFetchProgress(job, "Updating references", 1, 1); // never shown in progress: quiet
        after(3_500);
        printer.onFetchProgress(job, "remote: Counting objects", 17, 0); // unknown size: its count

        assertThat(err.toString()).isEqualTo(lines(
                "shop: fetching: Receiving objects 45% (1234/2742)",
                "shop: fetching: Receiving objects 100% (2742/2742)",
                "shop: fetching: remote: Counting objects 17"));
    }
}

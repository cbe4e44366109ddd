package dev.reporag.git;

import dev.reporag.core.port.FetchMonitor;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How JGit's progress calls become FetchMonitor reports, driven the way JGit drives them. */
class BoundedMonitorTest {
    @TempDir
    Path gitDir;

    private final List<String> reports = new ArrayList<>();
    private volatile boolean cancelled;
    private final FetchMonitor recorder = new FetchMonitor() {
        @Override
        public void onFetchProgress(String task, long done, long total) {
            reports.add(task + " " + done + "/" + total);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    };

    private BoundedMonitor monitor() {
        return new BoundedMonitor(Duration.ofMinutes(5), gitDir, 1_000_000, recorder);
    }

    @Test
    void eachTaskIsReportedAsItBeginsAndEndsAndNotForEveryUpdate() {
        BoundedMonitor monitor = monitor();
        monitor.beginTask("Receiving objects", 1000);
        for (int i = 0; i < 1000; i++) {
            monitor.update(1);
        }
        monitor.endTask();
        monitor.beginTask("Updating references", 1);
        monitor.update(1);
        monitor.endTask();

        assertThat(reports).containsExactly("Receiving objects 0/1000", "Receiving objects 1000/1000",
                "Updating references 0/1", "Updating references 1/1");
    }

    @Test
    void aRemoteTaskThatIsNeverEndedIsReportedAtItsLastCountWhenTheNextBegins() {
        BoundedMonitor monitor = monitor();
        monitor.beginTask("remote: Counting objects", ProgressMonitor.UNKNOWN);
        monitor.update(7);
        monitor.beginTask("remote: Finding sources", 20);
        monitor.update(20);
        monitor.beginTask("Receiving objects", 20);

        assertThat(reports).containsExactly("remote: Counting objects 0/0", "remote: Counting objects 7/0",
                "remote: Finding sources 0/20", "remote: Finding sources 20/20", "Receiving objects 0/20");
    }

    @Test
    void countsStayWithinTheirTotalAndRemoteTaskNamesLoseControlCharacters() {
        BoundedMonitor monitor = monitor();
        monitor.beginTask("remote: \u001b[2J\u001b[31mCounting\r", 5);
        monitor.update(9);
        monitor.endTask();

        assertThat(reports).containsExactly("remote: ?[2J?[31mCounting? 0/5", "remote: ?[2J?[31mCounting? 5/5");
    }

    @Test
    void theCallersCancellationStopsJGit() {
        BoundedMonitor monitor = monitor();
        assertThat(monitor.isCancelled()).isFalse();
        cancelled = true;
        assertThat(monitor.isCancelled()).isTrue();
        assertThat(monitor.stop()).isEqualTo(BoundedMonitor.Stop.CANCELLED);
    }
}

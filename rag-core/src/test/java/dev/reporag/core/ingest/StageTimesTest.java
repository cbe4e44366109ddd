package dev.reporag.core.ingest;

import dev.reporag.core.ingest.StageTimes.Stage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageTimesTest {
    @Test
    void namesTheStagesThatTookTimeInPipelineOrderAddingUpRepeats() {
        StageTimes times = new StageTimes();
        times.time(Stage.STORE, () -> sleep(20));
        times.time(Stage.OPEN, () -> sleep(10));
        int result = times.time(Stage.STORE, () -> {
            sleep(20);
            return 42;
        });

        assertThat(result).isEqualTo(42);
        String text = times.toString();
        assertThat(text).matches("clone/fetch 0\\.\\d\\d s, writes 0\\.\\d\\d s");
        double writes = Double.parseDouble(text.replaceAll(".*writes ([0-9.]+) s", "$1"));
        assertThat(writes).isGreaterThanOrEqualTo(0.04);
    }

    @Test
    void aStageInsideAnotherCountsForItselfOnly() {
        StageTimes times = new StageTimes();
        times.time(Stage.LOOKUP, () -> {
            sleep(10);
            times.time(Stage.STORE, () -> sleep(200));
        });
        double lookup = seconds(times, "reuse lookups");
        double writes = seconds(times, "writes");
        assertThat(writes).isGreaterThanOrEqualTo(0.2);
        assertThat(lookup).as("without the write inside it").isGreaterThanOrEqualTo(0.01).isLessThan(0.2);
    }

    private static double seconds(StageTimes times, String label) {
        return Double.parseDouble(times.toString().replaceAll(".*" + label + " ([0-9.]+) s.*", "$1"));
    }

    @Test
    void aStageThatFailsStillCounts() {
        StageTimes times = new StageTimes();
        assertThatThrownBy(() -> times.time(Stage.LOOKUP, () -> {
            throw new IllegalStateException("store down");
        })).hasMessage("store down");
        assertThat(times.toString()).startsWith("reuse lookups ");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

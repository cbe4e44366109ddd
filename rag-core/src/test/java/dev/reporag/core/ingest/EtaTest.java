package dev.reporag.core.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The time-left estimate on a test clock: seconds after {@link #T0}. */
class EtaTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Eta eta = new Eta();

    private Optional<Duration> at(double seconds, int percent) {
        return eta.update(T0.plusMillis(Math.round(seconds * 1000)), percent);
    }

    @Test
    void steadyProgressIsEstimatedAtItsSpeed() {
        Optional<Duration> last = Optional.empty();
        for (int second = 0; second <= 40; second++) {
            last = at(second, second); // one percent a second
        }
        assertThat(last).contains(Duration.ofSeconds(60));
        assertThat(at(41, 41)).contains(Duration.ofSeconds(59));
    }

    @Test
    void aSlowStartThenAFastPhaseIsEstimatedAtTheRecentSpeed() {
        for (int second = 0; second <= 100; second++) {
            at(second, second / 10); // 0.1 % a second: cloning, the first files
        }
        Optional<Duration> last = Optional.empty();
        for (int second = 101; second <= 140; second++) {
            last = at(second, 10 + (second - 100)); // then 1 % a second
        }
        // 50 % left at the last half minute's 1 % a second; a line from the start would say 140 s.
        assertThat(last).contains(Duration.ofSeconds(50));
    }

    @Test
    void nothingAtFirst() {
        assertThat(at(0, 0)).isEmpty();
        assertThat(at(0.5, 5)).as("less than a second of samples").isEmpty();
        assertThat(at(2, 10)).as("two seconds for 10 %").contains(Duration.ofSeconds(18));
    }

    @Test
    void nothingAtZeroOrAHundredPercentOrWithoutGain() {
        assertThat(at(0, 0)).isEmpty();
        assertThat(at(5, 0)).as("still at 0 %").isEmpty();

        Eta resumed = new Eta(); // a resumed job starts where the last one stopped
        assertThat(resumed.update(T0, 40)).isEmpty();
        assertThat(resumed.update(T0.plusSeconds(10), 40)).as("no gain since").isEmpty();
        assertThat(resumed.update(T0.plusSeconds(20), 50)).contains(Duration.ofSeconds(100));
        assertThat(resumed.update(T0.plusSeconds(21), 100)).as("done").isEmpty();
    }

    @Test
    void aStallSlowsTheEstimateDown() {
        for (int second = 0; second <= 30; second++) {
            at(second, second);
        }
        assertThat(at(31, 31)).contains(Duration.ofSeconds(69));
        // Nothing for a minute: the speed over the window falls, and the estimate grows.
        Optional<Duration> stalled = at(91, 31);
        assertThat(stalled).isPresent();
        assertThat(stalled.get()).isGreaterThan(Duration.ofSeconds(69 + 60));
    }
}

package dev.reporag.core.contract;

import dev.reporag.core.port.RateBudget;
import dev.reporag.core.port.RateBudget.Reservation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link RateBudget} must do: one time line per key, shared by everyone who reserves on it. */
public abstract class RateBudgetContract {
    /** Slack for the time a reservation itself takes (a database round trip). */
    private static final long SLACK_MILLIS = 60;

    /** The budget under test; two calls may return two handles on the same store (two processes). */
    protected abstract RateBudget budget();

    private static String key() {
        return "test-" + UUID.randomUUID();
    }

    private static long millis(Reservation reservation) {
        return reservation.delay().toMillis();
    }

    private static void assertWaitsForSlot(Reservation reservation, long slotMillis, long[] before, long[] after, int i) {
        long earliest = (before[i] - after[0]) / 1_000_000;
        long latest = (after[i] - before[0]) / 1_000_000;
        assertThat(millis(reservation)).isBetween(slotMillis - latest - SLACK_MILLIS, slotMillis - earliest);
    }

    @Test
    void anIdleKeyStartsAtOnceAndEachReservationWaitsForTheSlotsBeforeIt() {
        RateBudget budget = budget();
        String key = key();

        long[] before = new long[3];
        long[] after = new long[3];
        before[0] = System.nanoTime();
        Reservation first = budget.reserve(key, Duration.ofMillis(300), 10);
        after[0] = System.nanoTime();
        before[1] = System.nanoTime();
        Reservation second = budget.reserve(key, Duration.ofMillis(200), 20);
        after[1] = System.nanoTime();
        before[2] = System.nanoTime();
        Reservation third = budget.reserve(key, Duration.ofMillis(100), 30);
        after[2] = System.nanoTime();

        assertThat(millis(first)).isLessThanOrEqualTo(SLACK_MILLIS);
        // A slot is fixed in time: a reservation made later (a loaded machine) waits that much less.
        assertWaitsForSlot(second, 300, before, after, 1);
        assertWaitsForSlot(third, 500, before, after, 2);
        assertThat(List.of(first.reservedTokens(), second.reservedTokens(), third.reservedTokens()))
                .containsExactly(10L, 30L, 60L);
    }

    @Test
    void keysHaveTimeLinesOfTheirOwn() {
        RateBudget budget = budget();
        String a = key();
        String b = key();
        budget.reserve(a, Duration.ofSeconds(5), 100);

        Reservation other = budget.reserve(b, Duration.ofSeconds(5), 7);

        assertThat(millis(other)).isLessThanOrEqualTo(SLACK_MILLIS);
        assertThat(other.reservedTokens()).isEqualTo(7);
    }

    @Test
    void anIdleTimeLineEarnsNoCredit() throws InterruptedException {
        RateBudget budget = budget();
        String key = key();
        budget.reserve(key, Duration.ofMillis(50), 1);
        Thread.sleep(300);

        Reservation later = budget.reserve(key, Duration.ofMillis(50), 1);
        Reservation next = budget.reserve(key, Duration.ofMillis(50), 1);

        assertThat(millis(later)).isLessThanOrEqualTo(SLACK_MILLIS);
        assertThat(millis(next)).isBetween(50 - SLACK_MILLIS, 50L);
    }

    @Test
    void aPauseHoldsEveryLaterStartButNeverShortensTheQueue() {
        RateBudget budget = budget();
        String key = key();
        budget.pause(key, Duration.ofMillis(700));
        Reservation afterPause = budget.reserve(key, Duration.ofSeconds(2), 1);
        budget.pause(key, Duration.ofMillis(100)); // the time line is already 2.7 s long

        Reservation queued = budget.reserve(key, Duration.ofMillis(10), 1);

        assertThat(millis(afterPause)).isBetween(700 - SLACK_MILLIS, 700L);
        assertThat(millis(queued)).isBetween(2_700 - SLACK_MILLIS, 2_700L);
    }

    @Test
    void concurrentReservationsFromSeveralHandlesNeverShareASlot() throws Exception {
        String key = key();
        List<RateBudget> handles = List.of(budget(), budget());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Reservation>> reservations = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                RateBudget handle = handles.get(i % 2);
                reservations.add(pool.submit(() -> handle.reserve(key, Duration.ofMillis(20), 5)));
            }
            List<Long> totals = new ArrayList<>();
            long latest = 0;
            for (Future<Reservation> reservation : reservations) {
                totals.add(reservation.get().reservedTokens());
                latest = Math.max(latest, millis(reservation.get()));
            }
            assertThat(totals).doesNotHaveDuplicates().hasSize(40).allSatisfy(t -> assertThat(t % 5).isZero());
            assertThat(totals.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(200);
            // Forty slots of 20 ms one after another: the last starts about 780 ms on.
            assertThat(latest).isBetween(780 - 3 * SLACK_MILLIS, 780L);
        } finally {
            pool.shutdownNow();
        }
    }
}

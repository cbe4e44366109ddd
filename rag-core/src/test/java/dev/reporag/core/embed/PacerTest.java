package dev.reporag.core.embed;

import dev.reporag.core.port.ServerReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PacerTest {
    private static final long MS = 1_000_000;
    /** Answers to requests sent in a process's first 2 s teach nothing; the tests start after a first one at 0. */
    private static final long WARM = 2_001 * MS;

    /** A first answer, at time 0, that teaches nothing: what a process has sent before the test begins. */
    private static Pacer warmed(long tpm) {
        Pacer pacer = new Pacer(0, tpm, Duration.ZERO);
        pacer.succeeded(0, 0, 1, ServerReport.NONE);
        return pacer;
    }

    /** What a server with a bucket of {@code capacity} refilled at {@code tpm} reports after charging. */
    private static ServerReport report(long tpm, double capacity, double level) {
        Duration reset = Duration.ofNanos((long) ((capacity - level) / (tpm / 60.0) * 1e9));
        return new ServerReport(-1, tpm, -1, (long) level, null, reset, null, -1);
    }

    @Test
    void aSlotIsTheTimeItsTokensOrOneRequestTakeToEarnBackAtTheHeadroom() {
        Pacer tokens = new Pacer(0, 60_000, Duration.ZERO);
        Pacer requests = new Pacer(600, 0, Duration.ZERO);
        Pacer floor = new Pacer(600, 60_000, Duration.ofSeconds(2));

        assertThat(tokens.slot(1_000).toNanos() / 1e9).isCloseTo(1 / Pacer.HEADROOM, within(1e-6));
        assertThat(requests.slot(1_000_000).toNanos() / 1e9).isCloseTo(0.1 / Pacer.HEADROOM, within(1e-6));
        assertThat(floor.slot(10)).isEqualTo(Duration.ofSeconds(2));
        assertThat(new Pacer(0, 0, Duration.ZERO).slot(1_000)).isEqualTo(Duration.ZERO);
    }

    private static final long TPM = 60_000;
    private static final double CAPACITY = 10_000;

    /**
     * Requests of 100 of our tokens, one every {@code spacingMillis} on one time line, each charged
     * {@code charged} by a server with a bucket of {@link #CAPACITY} refilled at {@link #TPM}; this
     * process sends (and hears the answer to) one request in {@code ours}, other processes the rest.
     */
    private static Pacer paced(int requests, long spacingMillis, double charged, int ours) {
        Pacer pacer = warmed(TPM);
        double level = CAPACITY;
        for (int i = 0; i < requests; i++) {
            if (i > 0) {
                level = Math.min(CAPACITY, level + TPM / 60.0 * spacingMillis / 1_000);
            }
            level -= charged;
            if (i % ours == 0) {
                pacer.succeeded(WARM + i * spacingMillis * MS, (i + 1) * 100L, 100, report(TPM, CAPACITY, level));
            }
        }
        return pacer;
    }

    @Test
    void learnsTheRatioOfTheServersCountFromItsBucketAndTheBucketsSize() {
        // The server counts 1.5 tokens for each of ours; 60,000 a minute, a bucket of 10,000.
        Pacer pacer = paced(30, 200, 150, 1);

        assertThat(pacer.ratio()).isCloseTo(1.5, within(0.01));
        assertThat(pacer.tokenCap()).isCloseTo((long) (CAPACITY / 2 / 1.5), within(20L));
        assertThat(pacer.slot(100).toNanos() / 1e9).isCloseTo(150 / 1_000.0 / Pacer.HEADROOM, within(0.002));
    }

    @Test
    void whenTheBucketNeverFillsItsDeficitsGrowthIsWhatWasChargedMeanwhileByAnyProcess() {
        // Two processes alternate on one time line, too fast for the bucket (120 charged per 100
        // refilled); this one sees every other answer only, and the other's tokens count as charged.
        assertThat(paced(40, 100, 120, 2).ratio()).isCloseTo(1.2, within(1e-6));
    }

    @Test
    void anotherProcessPacedRightLeavesTheBucketFullAndEachDeficitIsOneRequest() {
        // 130 refilled per start, 120 charged: each request meets a full bucket.
        assertThat(paced(40, 130, 120, 2).ratio()).isCloseTo(1.2, within(0.001));
    }

    @Test
    void theAnswersToAColdClientsFirstRequestsTeachNothing() {
        // Three requests reached the server before the first answer, and out of order.
        long tpm = 60_000;
        Pacer pacer = new Pacer(0, tpm, Duration.ZERO);

        pacer.succeeded(0, 100, 100, report(tpm, 10_000, 10_000 - 3 * 130));
        pacer.succeeded(100 * MS, 200, 100, report(tpm, 10_000, 10_000 - 130));
        pacer.succeeded(1_900 * MS, 300, 100, report(tpm, 10_000, 10_000 - 3 * 130));
        assertThat(pacer.ratio()).isEqualTo(1.0);

        // Later each request meets a full bucket, and each answer is one request's cost.
        pacer.succeeded(WARM + 500 * MS, 400, 100, report(tpm, 10_000, 10_000 - 130));
        assertThat(pacer.ratio()).isCloseTo(1.3, within(1e-6));
    }

    @Test
    void oneAnswerMovesTheRatioAtMostTwofold() {
        long tpm = 60_000;
        Pacer pacer = warmed(tpm);

        pacer.succeeded(WARM, 100, 100, report(tpm, 10_000, 10_000 - 100));
        pacer.succeeded(WARM + 1_000 * MS, 200, 100, report(tpm, 10_000, 10_000 - 900)); // misread: 9 times

        assertThat(pacer.ratio()).isCloseTo(2.0, within(1e-6)); // not 9
    }

    @Test
    void theBilledUsageIsTheFirstGuessUntilTheBucketSaysOtherwise() {
        long tpm = 60_000;
        Pacer pacer = new Pacer(0, tpm, Duration.ZERO);

        pacer.succeeded(0, 100, 100, report(tpm, 10_000, 10_000 - 100).withUsage(137));
        assertThat(pacer.ratio()).isCloseTo(1.37, within(1e-9));

        pacer.succeeded(WARM, 200, 100, report(tpm, 10_000, 10_000 - 100).withUsage(137));
        assertThat(pacer.ratio()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void adoptsTheServersLimits() {
        Pacer pacer = new Pacer(3_000, 1_000_000, Duration.ZERO);

        pacer.succeeded(0, 10, 10, new ServerReport(500, 200_000, 499, -1, null, null, null, -1));

        assertThat(pacer.requestsPerMinute()).isEqualTo(500);
        assertThat(pacer.tokensPerMinute()).isEqualTo(200_000);
    }

    @Test
    void a429SlowsDownOncePerRoundInFlightAndSuccessesRecoverGradually() {
        Pacer pacer = new Pacer(0, 60_000, Duration.ZERO);
        ServerReport wait = ServerReport.NONE.withRetryAfter(Duration.ofMillis(700));

        assertThat(pacer.rateLimited(100 * MS, 100, 100, wait, 200 * MS)).isEqualTo(Duration.ofMillis(700));
        assertThat(pacer.factor()).isCloseTo(Pacer.SLOW_DOWN, within(1e-9));
        // Sent before the slow-down: the same round, no further slow-down.
        pacer.rateLimited(150 * MS, 200, 100, wait, 250 * MS);
        assertThat(pacer.factor()).isCloseTo(Pacer.SLOW_DOWN, within(1e-9));
        // Sent after it: slower again.
        pacer.rateLimited(300 * MS, 300, 100, ServerReport.NONE, 400 * MS);
        assertThat(pacer.factor()).isCloseTo(Pacer.SLOW_DOWN * Pacer.SLOW_DOWN, within(1e-9));
        assertThat(pacer.slot(1_000).toNanos() / 1e9)
                .isCloseTo(1 / (Pacer.HEADROOM * Pacer.SLOW_DOWN * Pacer.SLOW_DOWN), within(1e-6));

        for (int i = 0; i < 10; i++) {
            pacer.succeeded((500 + i) * MS, 400 + i, 1, ServerReport.NONE);
        }
        assertThat(pacer.factor()).isCloseTo(Pacer.SLOW_DOWN * Pacer.SLOW_DOWN + 10 * Pacer.RECOVERY, within(1e-9));
        for (int i = 0; i < 50; i++) {
            pacer.succeeded((600 + i) * MS, 500 + i, 1, ServerReport.NONE);
        }
        assertThat(pacer.factor()).isEqualTo(1.0);
    }

    @Test
    void aShortRemainingBudgetPausesUntilItRefills() {
        Pacer pacer = new Pacer(0, 60_000, Duration.ZERO);

        Duration pause = pacer.succeeded(0, 500, 500, new ServerReport(-1, 60_000, -1, 200, null, null, null, -1));
        Duration none = pacer.succeeded(MS, 1_000, 500, new ServerReport(-1, 60_000, -1, 9_000, null, null, null, -1));

        assertThat(pause).isEqualTo(Duration.ofMillis(300)); // 300 tokens short at 1,000 a second
        assertThat(none).isNull();
    }
}

package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    private long now = 1_000_000_000L;

    private Pacer pacer(SchedulerSettings settings) {
        return new Pacer(settings.withHeadroom(1.0), () -> now);
    }

    @Test
    void spacesStartsByTheTokensEachRequestSpends() {
        Pacer pacer = pacer(SchedulerSettings.defaults().withRequestsPerMinute(6_000).withTokensPerMinute(60_000));

        long first = pacer.reserve(1_000);
        long second = pacer.reserve(500);
        long third = pacer.reserve(10);

        assertThat(first).isEqualTo(now);
        assertThat(second - first).isEqualTo(1_000_000_000L); // 1,000 tokens at 1,000 a second
        assertThat(third - second).isEqualTo(500_000_000L);
    }

    @Test
    void spacesStartsByTheRequestBudgetWhenInputsAreSmall() {
        Pacer pacer = pacer(SchedulerSettings.defaults().withRequestsPerMinute(120).withTokensPerMinute(1_000_000));

        long first = pacer.reserve(1);
        long second = pacer.reserve(1);

        assertThat(second - first).isEqualTo(500_000_000L);
    }

    @Test
    void keepsTheDelayBetweenStarts() {
        Pacer pacer = pacer(SchedulerSettings.defaults().withDelay(Duration.ofMillis(1_500)));

        long first = pacer.reserve(10);
        long second = pacer.reserve(10);

        assertThat(second - first).isEqualTo(1_500_000_000L);
    }

    @Test
    void adoptsTheServersLimitsAndPausesWhenItsRemainingRunsShort() {
        Pacer pacer = pacer(SchedulerSettings.defaults());
        pacer.reserve(5_000);
        now += 10_000_000_000L;

        pacer.learn(RateLimitHeaders.parse(Map.of("x-ratelimit-limit-tokens", List.of("60000"),
                "x-ratelimit-limit-requests", List.of("500"), "x-ratelimit-remaining-tokens", List.of("1000"))));

        assertThat(pacer.tokensPerMinute()).isEqualTo(60_000);
        assertThat(pacer.requestsPerMinute()).isEqualTo(500);
        // 4,000 tokens short at 1,000 a second.
        assertThat(pacer.reserve(10) - now).isEqualTo(4_000_000_000L);
    }

    @Test
    void aPauseHoldsEveryone() {
        Pacer pacer = pacer(SchedulerSettings.defaults());
        pacer.pauseUntil(now + 700_000_000L);

        assertThat(pacer.reserve(1) - now).isEqualTo(700_000_000L);
    }
}

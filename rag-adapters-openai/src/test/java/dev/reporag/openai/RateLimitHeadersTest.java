package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTest {
    @Test
    void readsOpenAisHeaders() {
        RateLimitHeaders h = RateLimitHeaders.parse(Map.of(
                "X-RateLimit-Limit-Requests", List.of("3000"), "x-ratelimit-limit-tokens", List.of("1000000"),
                "x-ratelimit-remaining-requests", List.of("2999"), "x-ratelimit-remaining-tokens", List.of("999000"),
                "x-ratelimit-reset-requests", List.of("20ms"), "x-ratelimit-reset-tokens", List.of("6m0.5s"),
                "retry-after", List.of("2"), "retry-after-ms", List.of("1500")));

        assertThat(h).isEqualTo(new RateLimitHeaders(3000, 1_000_000, 2999, 999_000, Duration.ofMillis(20),
                Duration.ofMillis(360_500), Duration.ofMillis(1500)));
    }

    @Test
    void fallsBackToRetryAfterInSecondsAndIgnoresWhatItCannotRead() {
        RateLimitHeaders h = RateLimitHeaders.parse(Map.of("retry-after", List.of("3"),
                "x-ratelimit-limit-tokens", List.of("lots"), "x-ratelimit-reset-tokens", List.of("soon")));

        assertThat(h.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(h.limitTokens()).isEqualTo(-1);
        assertThat(h.resetTokens()).isNull();
        assertThat(RateLimitHeaders.duration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
        assertThat(RateLimitHeaders.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void a429WaitsTheAdvisedTimeCappedAndOtherFailuresBackOff() {
        CallFailure limited = new CallFailure(CallFailure.Kind.RATE_LIMITED, 429, "429",
                RateLimitHeaders.parse(Map.of("retry-after-ms", List.of("800"))), null);
        CallFailure tooLong = new CallFailure(CallFailure.Kind.RATE_LIMITED, 429, "429",
                RateLimitHeaders.parse(Map.of("retry-after", List.of("600"))), null);
        CallFailure server = new CallFailure(CallFailure.Kind.TRANSIENT, 500, "500", null, null);

        assertThat(Backoff.before(1, limited, Duration.ofSeconds(60))).isBetween(Duration.ofMillis(800),
                Duration.ofMillis(850));
        assertThat(Backoff.before(1, tooLong, Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        assertThat(Backoff.before(1, server, Duration.ofSeconds(60))).isBetween(Duration.ofMillis(250),
                Duration.ofMillis(500));
        assertThat(Backoff.before(4, server, Duration.ofSeconds(60))).isBetween(Duration.ofMillis(2000),
                Duration.ofMillis(4000));
    }
}

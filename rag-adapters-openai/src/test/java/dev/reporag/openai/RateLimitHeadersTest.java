package dev.reporag.openai;

import dev.reporag.core.port.EmbeddingException;
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
    void aFailureReachesTheCoreWithItsKindAndWhatTheServerSaid() {
        CallFailure limited = new CallFailure(CallFailure.Kind.RATE_LIMITED, 429, "429",
                RateLimitHeaders.parse(Map.of("retry-after-ms", List.of("800"), "x-ratelimit-limit-tokens",
                        List.of("40000"), "x-ratelimit-remaining-tokens", List.of("12"))), null);
        CallFailure tooLarge = new CallFailure(CallFailure.Kind.TOO_LARGE, 413, "413", null, null);
        CallFailure server = new CallFailure(CallFailure.Kind.TRANSIENT, 500, "500", null, null);

        EmbeddingException e = limited.toEmbeddingException();
        assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofMillis(800));
        assertThat(e.report().limitTokens()).isEqualTo(40_000);
        assertThat(e.report().remainingTokens()).isEqualTo(12);
        assertThat(tooLarge.toEmbeddingException().kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
        assertThat(server.toEmbeddingException().kind()).isEqualTo(EmbeddingException.Kind.TRANSIENT);
    }

    @Test
    void a400AboutSizeIsTooLargeAndAnyOther400IsPermanent() {
        CallFailure context = CallFailure.classify(new HttpStatusException(400, Map.of(), "{\"error\":{\"message\":"
                + "\"This model's maximum context length is 8192 tokens\"}}"), "https://api.openai.com/v1", "m", null);
        CallFailure inputs = CallFailure.classify(new HttpStatusException(400, Map.of(), "{\"error\":{\"message\":"
                + "\"'$.input' is invalid: at most 2048 inputs are allowed\"}}"), "https://api.openai.com/v1", "m", null);
        CallFailure other = CallFailure.classify(new HttpStatusException(400, Map.of(), "{\"error\":{\"message\":"
                + "\"Unrecognized request argument: foo\"}}"), "https://api.openai.com/v1", "m", null);

        assertThat(context.kind()).isEqualTo(CallFailure.Kind.TOO_LARGE);
        assertThat(inputs.kind()).isEqualTo(CallFailure.Kind.TOO_LARGE);
        assertThat(other.kind()).isEqualTo(CallFailure.Kind.PERMANENT);
        assertThat(other.getMessage()).isEqualTo("OpenAI rejected the request (400): Unrecognized request argument:"
                + " foo");
    }
}

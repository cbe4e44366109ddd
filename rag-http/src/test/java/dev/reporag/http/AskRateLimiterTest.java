package dev.reporag.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AskRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);
    private final AskRateLimiter limiter = new AskRateLimiter(6, now::get);

    @Test
    void aBurstUpToTheLimitThenOneQuestionPerSlice() {
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("a")).isZero();
        }
        assertThat(limiter.acquire("a")).isEqualTo(10); // 60 s / 6 questions
        now.addAndGet(4 * SECOND);
        assertThat(limiter.acquire("a")).isEqualTo(6);
        now.addAndGet(6 * SECOND);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(10);
    }

    @Test
    void clientsHaveTheirOwnBudgets() {
        for (int i = 0; i < 6; i++) {
            limiter.acquire("a");
        }
        assertThat(limiter.acquire("a")).isPositive();
        assertThat(limiter.acquire("b")).isZero();
    }

    @Test
    void anIdleClientGetsItsWholeBurstBackButNoMore() {
        for (int i = 0; i < 6; i++) {
            limiter.acquire("a");
        }
        now.addAndGet(3600 * SECOND);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("a")).isZero();
        }
        assertThat(limiter.acquire("a")).isPositive();
    }
}

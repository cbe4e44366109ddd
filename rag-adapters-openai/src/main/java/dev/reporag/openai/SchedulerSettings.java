package dev.reporag.openai;

import java.time.Duration;

/**
 * Budgets of the {@link RequestScheduler}. The composition root fills it from {@code RAG_RPM},
 * {@code RAG_TPM}, {@code RAG_CONCURRENCY}, {@code RAG_BATCH_SIZE} and {@code RAG_DELAY}; the
 * request limits are OpenAI's and rarely need changing.
 *
 * @param requestsPerMinute    starting request budget; replaced by the server's
 *                             {@code x-ratelimit-limit-requests} once seen
 * @param tokensPerMinute      starting token budget; replaced by {@code x-ratelimit-limit-tokens}
 * @param concurrency          requests in flight at once, across all jobs
 * @param batchSize            at most this many inputs per request, or 0 for no limit of our own
 * @param delay                minimum gap between the starts of two requests, or zero
 * @param maxAttempts          attempts per request before giving up (429s, 5xx, timeouts, resets)
 * @param maxRetryWait         cap on a server-advised wait (Retry-After) and on a backoff
 * @param maxInputsPerRequest  the API's cap on inputs per request (OpenAI: 2048)
 * @param maxTokensPerRequest  the API's cap on tokens per request (OpenAI: 300,000)
 * @param maxTokensPerInput    the model's input limit (OpenAI: 8,192); longer inputs are split
 * @param headroom             share of the learned budgets to use, below 1 to leave room for
 *                             the server counting a little differently
 */
public record SchedulerSettings(int requestsPerMinute, int tokensPerMinute, int concurrency, int batchSize,
                                Duration delay, int maxAttempts, Duration maxRetryWait, int maxInputsPerRequest,
                                int maxTokensPerRequest, int maxTokensPerInput, double headroom) {
    /** OpenAI's tier-1 limits for text-embedding-3-small. */
    public static final int DEFAULT_RPM = 3_000;
    public static final int DEFAULT_TPM = 1_000_000;
    public static final int DEFAULT_CONCURRENCY = 4;

    public SchedulerSettings {
        positive(requestsPerMinute, "requests per minute");
        positive(tokensPerMinute, "tokens per minute");
        positive(concurrency, "concurrency");
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
        }
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        positive(maxAttempts, "max attempts");
        if (maxRetryWait == null || maxRetryWait.isNegative()) {
            throw new IllegalArgumentException("max retry wait must not be negative");
        }
        positive(maxInputsPerRequest, "max inputs per request");
        positive(maxTokensPerRequest, "max tokens per request");
        positive(maxTokensPerInput, "max tokens per input");
        if (maxTokensPerInput > maxTokensPerRequest) {
            throw new IllegalArgumentException("max tokens per input exceeds max tokens per request");
        }
        if (!(headroom > 0 && headroom <= 1)) {
            throw new IllegalArgumentException("headroom must be in (0, 1], was " + headroom);
        }
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(DEFAULT_RPM, DEFAULT_TPM, DEFAULT_CONCURRENCY, 0, Duration.ZERO, 8,
                Duration.ofSeconds(60), 2048, 300_000, 8_192, 0.97);
    }

    public SchedulerSettings withRequestsPerMinute(int rpm) {
        return new SchedulerSettings(rpm, tokensPerMinute, concurrency, batchSize, delay, maxAttempts, maxRetryWait,
                maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withTokensPerMinute(int tpm) {
        return new SchedulerSettings(requestsPerMinute, tpm, concurrency, batchSize, delay, maxAttempts, maxRetryWait,
                maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withConcurrency(int concurrency) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withBatchSize(int batchSize) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withDelay(Duration delay) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withMaxAttempts(int maxAttempts) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withMaxRetryWait(Duration maxRetryWait) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withRequestLimits(int maxInputsPerRequest, int maxTokensPerRequest,
                                               int maxTokensPerInput) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    public SchedulerSettings withHeadroom(double headroom) {
        return new SchedulerSettings(requestsPerMinute, tokensPerMinute, concurrency, batchSize, delay, maxAttempts,
                maxRetryWait, maxInputsPerRequest, maxTokensPerRequest, maxTokensPerInput, headroom);
    }

    /** Inputs per request after RAG_BATCH_SIZE. */
    int inputsPerRequest() {
        return batchSize == 0 ? maxInputsPerRequest : Math.min(batchSize, maxInputsPerRequest);
    }

    private static void positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}

package dev.reporag.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Every knob of the core, with the product's defaults. Build with {@link #builder()}.
 *
 * @param batch            how embedding requests are shaped and sent, process-wide
 * @param retry            how transient embedding failures are retried
 * @param rateLimits       the embedding API's starting rate budget (the server's headers replace it)
 * @param lease            how long a claimed job stays held without a heartbeat
 * @param maxAttempts      claims of a job whose worker keeps disappearing before it is FAILED
 * @param pollInterval     how often an idle worker looks for work
 * @param progressInterval least time between two progress saves while files are read
 * @param topK             sources given to the answer model
 * @param maxQuestionChars longest question accepted
 * @param maxTokensPerJob  the most tokens (as the provider bills them) one job may embed
 *                         ({@code RAG_MAX_TOKENS_PER_JOB}); 0 for no limit
 * @param pricePerMillionTokens the embedding price in US dollars per million tokens
 *                         ({@code RAG_EMBEDDING_PRICE_PER_MTOK}), or null for {@link EmbeddingPrices}' table
 */
public record RagSettings(FileFilter fileFilter, int chunkSize, int chunkOverlap, BatchPolicy batch,
                          RetryPolicy retry, RateLimits rateLimits, Duration lease, int maxAttempts, Duration pollInterval,
                          Duration progressInterval, int topK, int maxQuestionChars, long maxTokensPerJob,
                          Double pricePerMillionTokens) {
    public RagSettings {
        Objects.requireNonNull(fileFilter, "fileFilter");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(progressInterval, "progressInterval");
        new Chunker(chunkSize, chunkOverlap); // validates the pair
        if (lease.toMillis() < 300 || maxAttempts < 1 || topK < 1 || topK > 50 || maxQuestionChars < 10) {
            throw new IllegalArgumentException("lease must be at least 300 ms, attempts at least 1, top-k within"
                    + " 1..50 and questions at least 10 characters");
        }
        if (maxTokensPerJob < 0 || pricePerMillionTokens != null && !(pricePerMillionTokens >= 0)) {
            throw new IllegalArgumentException("the token budget and the price must not be negative");
        }
    }

    public static RagSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.fileFilter = fileFilter;
        b.chunkSize = chunkSize;
        b.chunkOverlap = chunkOverlap;
        b.batch = batch;
        b.retry = retry;
        b.rateLimits = rateLimits;
        b.lease = lease;
        b.maxAttempts = maxAttempts;
        b.pollInterval = pollInterval;
        b.progressInterval = progressInterval;
        b.topK = topK;
        b.maxQuestionChars = maxQuestionChars;
        b.maxTokensPerJob = maxTokensPerJob;
        b.pricePerMillionTokens = pricePerMillionTokens;
        return b;
    }

    public static final class Builder {
        private FileFilter fileFilter = FileFilter.defaults();
        private int chunkSize = Chunker.DEFAULT_MAX_CHARS;
        private int chunkOverlap = Chunker.DEFAULT_OVERLAP_CHARS;
        private BatchPolicy batch = BatchPolicy.defaults();
        private RetryPolicy retry = RetryPolicy.defaults();
        private RateLimits rateLimits = RateLimits.NONE;
        private Duration lease = Duration.ofSeconds(60);
        private int maxAttempts = 3;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration progressInterval = Duration.ofMillis(500);
        private int topK = 6;
        private int maxQuestionChars = 4000;
        private long maxTokensPerJob;
        private Double pricePerMillionTokens;

        private Builder() {
        }

        public Builder fileFilter(FileFilter value) {
            fileFilter = value;
            return this;
        }

        public Builder chunkSize(int value) {
            chunkSize = value;
            return this;
        }

        public Builder chunkOverlap(int value) {
            chunkOverlap = value;
            return this;
        }

        public Builder batch(BatchPolicy value) {
            batch = value;
            return this;
        }

        public Builder retry(RetryPolicy value) {
            retry = value;
            return this;
        }

        public Builder rateLimits(RateLimits value) {
            rateLimits = value;
            return this;
        }

        public Builder lease(Duration value) {
            lease = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public Builder pollInterval(Duration value) {
            pollInterval = value;
            return this;
        }

        public Builder progressInterval(Duration value) {
            progressInterval = value;
            return this;
        }

        public Builder topK(int value) {
            topK = value;
            return this;
        }

        public Builder maxQuestionChars(int value) {
            maxQuestionChars = value;
            return this;
        }

        /** The most tokens one job may embed; 0 (the default) for no limit. */
        public Builder maxTokensPerJob(long value) {
            maxTokensPerJob = value;
            return this;
        }

        /** The embedding price per million tokens; null (the default) for {@link EmbeddingPrices}' table. */
        public Builder pricePerMillionTokens(Double value) {
            pricePerMillionTokens = value;
            return this;
        }

        public RagSettings build() {
            return new RagSettings(fileFilter, chunkSize, chunkOverlap, batch, retry, rateLimits, lease, maxAttempts,
                    pollInterval, progressInterval, topK, maxQuestionChars, maxTokensPerJob, pricePerMillionTokens);
        }
    }
}

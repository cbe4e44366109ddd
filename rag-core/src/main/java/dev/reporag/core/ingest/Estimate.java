package dev.reporag.core.ingest;

import dev.reporag.core.model.SkipReason;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What indexing a repository from scratch would take, worked out without embedding anything: the
 * files the job would read and leave out, the chunks it would make, their tokens as the provider
 * counts them, what that costs, and how long it would take.
 *
 * @param commit          the commit the ref resolved to
 * @param filesKept       files that would be chunked and embedded
 * @param filesSkipped    files left out, with {@code skippedByReason} saying why
 * @param bytes           bytes of the kept files
 * @param chunks          chunks the embedder would be sent
 * @param tokens          their tokens as the provider bills them (and reports as usage)
 * @param rateLimitTokens their tokens as the provider's rate limiter counts them (what TPM limits)
 * @param requests        embedding requests, as the dispatcher would shape them
 * @param modelId         the embedding model
 * @param inProcess       whether it runs in this process (no API: no bill, no rate limits)
 * @param pricePerMillionTokens US dollars per million tokens, or null when the model has no known price
 * @param costUsd         the expected cost, or null without a price
 * @param seconds         the expected embedding time, or null when it cannot be told
 * @param timeBasis       what the time assumes ("3,000 RPM and 1,000,000 TPM", "measured: 85 chunks/s in this process")
 * @param notes           what else a user should know
 */
public record Estimate(String commit, int filesKept, int filesSkipped, Map<SkipReason, Integer> skippedByReason,
                       long bytes, long chunks, long tokens, long rateLimitTokens, long requests, String modelId,
                       boolean inProcess, Double pricePerMillionTokens, Double costUsd, Long seconds, String timeBasis,
                       List<String> notes) {
    public Estimate {
        Objects.requireNonNull(modelId, "modelId");
        skippedByReason = Map.copyOf(skippedByReason);
        notes = List.copyOf(notes);
    }

    public Optional<Double> cost() {
        return Optional.ofNullable(costUsd);
    }

    public Optional<Long> time() {
        return Optional.ofNullable(seconds);
    }
}

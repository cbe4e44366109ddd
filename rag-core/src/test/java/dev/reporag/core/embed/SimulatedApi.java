package dev.reporag.core.embed;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.EmbeddingResult;
import dev.reporag.core.port.ServerReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An embedding API with a token bucket, as OpenAI runs one: it meters each request as
 * {@code metering} times the embedder's own count, answers 429 with Retry-After when the bucket
 * lacks it, and reports limit, remaining and reset on every answer. Vectors come from a
 * {@link HashingEmbedder}.
 */
final class SimulatedApi implements Embedder {
    record Call(long atNanos, int inputs, long metered, int status) {
    }

    private final HashingEmbedder vectors = new HashingEmbedder();
    private final long tokensPerMinute;
    private final double capacity;
    private final double metering;
    private final long latencyMillis;
    private final String key;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private double level;
    private long at = System.nanoTime();

    SimulatedApi(long tokensPerMinute, double bucketSeconds, double metering, long latencyMillis, String key) {
        this.tokensPerMinute = tokensPerMinute;
        this.capacity = tokensPerMinute / 60.0 * bucketSeconds;
        this.level = capacity;
        this.metering = metering;
        this.latencyMillis = latencyMillis;
        this.key = key;
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public String modelId() {
        return vectors.modelId();
    }

    @Override
    public int dimension() {
        return vectors.dimension();
    }

    @Override
    public int maxInputChars() {
        return vectors.maxInputChars();
    }

    @Override
    public Optional<String> rateLimitKey() {
        return Optional.of(key);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return embed(texts).vectors();
    }

    @Override
    public EmbeddingResult embed(List<String> texts) {
        long metered = 0;
        for (String text : texts) {
            metered += Math.round(countTokens(text) * metering);
        }
        ServerReport report;
        boolean limited;
        long now = System.nanoTime();
        synchronized (this) {
            level = Math.min(capacity, level + (now - at) / 60e9 * tokensPerMinute);
            at = now;
            limited = level < metered;
            if (!limited) {
                level -= metered;
            }
            double perSecond = tokensPerMinute / 60.0;
            Duration reset = Duration.ofNanos((long) ((capacity - level) / perSecond * 1e9));
            Duration retryAfter = limited ? Duration.ofNanos((long) ((metered - level) / perSecond * 1e9)) : null;
            report = new ServerReport(-1, tokensPerMinute, -1, (long) level, null, reset, retryAfter, -1);
        }
        calls.add(new Call(now, texts.size(), metered, limited ? 429 : 200));
        if (limited) {
            throw EmbeddingException.rateLimited("rate limit reached (429)", report);
        }
        sleep(latencyMillis);
        return new EmbeddingResult(vectors.embedAll(texts), report);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

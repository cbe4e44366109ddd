package dev.reporag.openai;

import dev.reporag.core.port.EmbeddingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends embedding requests for every job of the process within one set of budgets: packs texts
 * into requests by token count, keeps at most {@code concurrency} in flight, spaces their starts
 * to the requests- and tokens-per-minute budgets (learned from the server's headers), waits out
 * 429s as advised and backs off from 5xx, timeouts and dropped connections. Create one per
 * process and share it; it is thread-safe. Close it at shutdown.
 */
public final class RequestScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestScheduler.class);
    /** A request carries at most a second of the token budget (at least one full input), so starts stay smooth. */
    private static final int REQUESTS_PER_MINUTE_OF_TOKENS = 60;

    /** Counters since the scheduler was created. */
    public record Stats(long requests, long succeeded, long rateLimited, long retried, long failed, long tokens,
                        long requestsPerMinute, long tokensPerMinute) {
    }

    /** Sends one request's inputs and returns one vector per input, in order. */
    @FunctionalInterface
    interface BatchCall {
        /** @throws CallFailure classified */
        List<float[]> embed(List<String> inputs);
    }

    private final SchedulerSettings settings;
    private final Pacer pacer;
    private final ExecutorService pool;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();

    public RequestScheduler(SchedulerSettings settings) {
        this.settings = settings;
        this.pacer = new Pacer(settings, System::nanoTime);
        this.pool = Executors.newFixedThreadPool(settings.concurrency(), daemonThreads());
    }

    public SchedulerSettings settings() {
        return settings;
    }

    public Stats stats() {
        return new Stats(requests.get(), succeeded.get(), rateLimited.get(), retried.get(), failed.get(),
                tokens.get(), pacer.requestsPerMinute(), pacer.tokensPerMinute());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Adopts what a response says about the budgets. */
    void observe(RateLimitHeaders headers) {
        pacer.learn(headers);
    }

    /**
     * Embeds texts through {@code call}, one vector per text in order. Requests run concurrently.
     *
     * @throws EmbeddingException not retryable once this gives up, or when retrying cannot help
     */
    List<float[]> embed(List<String> texts, BatchCall call) {
        if (texts.isEmpty()) {
            return List.of();
        }
        long requestTokens = Math.min(settings.maxTokensPerRequest(),
                Math.max(settings.maxTokensPerInput(), pacer.tokensPerMinute() / REQUESTS_PER_MINUTE_OF_TOKENS));
        RequestPacker.Plan plan = RequestPacker.plan(texts, settings.inputsPerRequest(), requestTokens,
                settings.maxTokensPerInput());
        if (plan.splitTexts() > 0) {
            LOG.warn("{} of {} inputs are longer than {} tokens: each is embedded in windows and its vectors averaged",
                    plan.splitTexts(), texts.size(), settings.maxTokensPerInput());
        }
        List<Future<List<float[]>>> futures = new ArrayList<>(plan.batches().size());
        try {
            for (RequestPacker.Batch batch : plan.batches()) {
                futures.add(pool.submit(() -> send(batch, call)));
            }
            List<List<float[]>> vectors = new ArrayList<>(futures.size());
            for (Future<List<float[]>> future : futures) {
                vectors.add(future.get());
            }
            return RequestPacker.combine(plan, vectors);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof EmbeddingException failure) {
                throw failure;
            }
            if (e.getCause() instanceof CancellationException) {
                // The scheduler was closed under the call (shutdown): the job may resume later.
                throw new EmbeddingException("embedding was interrupted", true, null, e.getCause());
            }
            throw new EmbeddingException("embedding failed unexpectedly (" + e.getCause().getClass().getSimpleName()
                    + ")", false, null, e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new EmbeddingException("embedding was interrupted", true, null, e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new EmbeddingException("the embedding scheduler is closed", false, null, e);
        }
    }

    private List<float[]> send(RequestPacker.Batch batch, BatchCall call) {
        List<String> inputs = batch.inputs();
        CallFailure last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            sleepUntil(pacer.reserve(batch.tokens()));
            requests.incrementAndGet();
            try {
                List<float[]> vectors = call.embed(inputs);
                succeeded.incrementAndGet();
                tokens.addAndGet(batch.tokens());
                return vectors;
            } catch (CallFailure failure) {
                last = failure;
            }
            switch (last.kind()) {
                case PERMANENT -> {
                    failed.incrementAndGet();
                    throw new EmbeddingException(last.getMessage(), false, null, null);
                }
                case CANCELLED -> throw new CancellationException(last.getMessage());
                default -> {
                }
            }
            if (attempt == settings.maxAttempts()) {
                break;
            }
            Duration wait = Backoff.before(attempt, last, settings.maxRetryWait());
            retried.incrementAndGet();
            if (last.kind() == CallFailure.Kind.RATE_LIMITED) {
                rateLimited.incrementAndGet();
                // The limit is the key's, not this request's: nobody starts until it has passed.
                pacer.pauseUntil(System.nanoTime() + wait.toNanos());
                LOG.debug("{}; retrying in {} ms", last.getMessage(), wait.toMillis());
            } else {
                LOG.info("{}; retrying in {} ms (attempt {} of {})", last.getMessage(), wait.toMillis(), attempt + 1,
                        settings.maxAttempts());
                sleepUntil(System.nanoTime() + wait.toNanos());
            }
        }
        if (last.kind() == CallFailure.Kind.RATE_LIMITED) {
            rateLimited.incrementAndGet();
        }
        failed.incrementAndGet();
        LOG.warn("giving up on a request of {} inputs after {} attempts: {}", inputs.size(), settings.maxAttempts(),
                last.getMessage());
        throw new EmbeddingException(last.getMessage() + " (gave up after " + settings.maxAttempts() + " attempts)",
                false, null, null);
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted");
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "openai-request-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

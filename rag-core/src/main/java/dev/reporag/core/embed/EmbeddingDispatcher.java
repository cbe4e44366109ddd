package dev.reporag.core.embed;

import dev.reporag.core.memory.InMemoryRateBudget;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.EmbeddingResult;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.RateBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one owner of embedding requests in a process, shared by every job and by questions: it
 * shapes requests ({@code RAG_BATCH_SIZE} inputs, a token cap), paces their starts within the rate
 * budget of the embedder's key ({@link Pacer}, on a time line that a {@link RateBudget} may share
 * with other processes; {@code RAG_DELAY} is a floor), keeps at most {@code concurrency} in flight,
 * and retries:
 * <ul>
 *   <li>a <b>429</b> is back-pressure, never a failed attempt: every start of the key waits what
 *   the server asked, the pace slows down, and the request is sent again, first in line;</li>
 *   <li>a <b>transient</b> failure (5xx, timeout, dropped connection) backs off ({@link RetryPolicy})
 *   and is tried again, up to {@link RetryPolicy#maxAttempts()} in a row, then fails;</li>
 *   <li>a request <b>too large</b> is split in two (a single text in two halves whose vectors are
 *   averaged), until a single short text is still refused;</li>
 *   <li>anything else fails at once with the adapter's message.</li>
 * </ul>
 * Questions go before queued job requests and get {@value #INTERACTIVE_ATTEMPTS} answers at most,
 * 429s included, and sit out no 429 wait longer than {@link #INTERACTIVE_MAX_WAIT}: a user is
 * waiting. Thread-safe; close it at shutdown.
 */
public final class EmbeddingDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingDispatcher.class);
    /** Answers a question's embedding may get (429s included) before the question fails. */
    static final int INTERACTIVE_ATTEMPTS = 3;
    /** The longest 429 wait a question sits out; a longer one fails it at once, saying when to ask again. */
    static final Duration INTERACTIVE_MAX_WAIT = Duration.ofSeconds(5);
    /** A text shorter than this is not split further. */
    private static final int MIN_SPLIT_CHARS = 32;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Embedder embedder;
    private final BatchPolicy policy;
    private final RetryPolicy retry;
    private final RateBudget budget;
    private final RateBudget fallback = new InMemoryRateBudget();
    private final String key;
    private final Pacer pacer;
    private final PriorityBlockingQueue<Request> queue = new PriorityBlockingQueue<>();
    private final List<Thread> senders = new ArrayList<>();
    private final AtomicLong order = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    /** Answer times of indexing requests answered with vectors (questions, one input each, apart). */
    private final RecentAnswers answers = new RecentAnswers();
    /** Requests sent and not yet answered. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Pauses of the key so far, and the end of the latest, so that starts reserved before one wait for it. */
    private final AtomicLong pauses = new AtomicLong();
    private volatile long pausedUntil = System.nanoTime();
    private final Object delayLock = new Object();
    private long lastSend = System.nanoTime() - Duration.ofDays(1).toNanos();
    private volatile boolean closed;
    private volatile long budgetWarnedAt;

    /**
     * @param sharedBudget where the time line of a keyed embedder lives (the database when processes
     *                     share a key); an embedder without a key paces on a time line of its own
     */
    public EmbeddingDispatcher(Embedder embedder, BatchPolicy policy, RetryPolicy retry, RateLimits limits,
                               RateBudget sharedBudget) {
        this.embedder = embedder;
        this.policy = policy;
        this.retry = retry;
        this.key = embedder.rateLimitKey().orElse(null);
        this.budget = key != null && sharedBudget != null ? sharedBudget : fallback;
        this.pacer = new Pacer(limits.requestsPerMinute(), limits.tokensPerMinute(), policy.minDelay());
        for (int i = 0; i < policy.concurrency(); i++) {
            Thread sender = new Thread(this::send, "rag-embed-" + THREADS.incrementAndGet());
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
    }

    public Embedder embedder() {
        return embedder;
    }

    public BatchPolicy policy() {
        return policy;
    }

    /** The tokens of {@code text} as the embedder's provider counts them. */
    public long countTokens(String text) {
        return embedder.countTokens(text);
    }

    /**
     * Whether a request holding {@code inputs} texts of {@code requestTokens} can take one more text
     * of {@code nextTokens}: {@code RAG_BATCH_SIZE}, the policy's token cap, the provider's caps and
     * half the server's bucket, whichever is least. A request takes at least one text.
     */
    public boolean fits(int inputs, long requestTokens, long nextTokens) {
        long cap = Math.min(embedder.maxTokensPerRequest(), pacer.tokenCap());
        return inputs == 0 || inputs < embedder.maxInputsPerRequest()
                && policy.canAdd(inputs, requestTokens, nextTokens, cap);
    }

    /**
     * Queues one request (shaped by the caller with {@link #fits}) behind those already queued.
     * Cancelling the future drops the request, or interrupts it when in flight.
     *
     * @return the vectors, one per text in order; or an {@link EmbeddingException} to act on
     */
    public CompletableFuture<List<float[]>> submit(List<String> texts) {
        return enqueue(List.copyOf(texts), false, order.incrementAndGet());
    }

    /** Embeds any number of texts in requests of the usual shape, and waits for all of them. */
    public List<float[]> embedAll(List<String> texts) {
        List<CompletableFuture<List<float[]>>> parts = new ArrayList<>();
        for (List<String> request : shape(texts)) {
            parts.add(submit(request));
        }
        return await(parts);
    }

    /** Embeds a question ahead of queued job requests; see {@link #INTERACTIVE_ATTEMPTS}. */
    public float[] embedQuestion(String text) {
        return await(List.of(enqueue(List.of(text), true, order.incrementAndGet()))).get(0);
    }

    public DispatchStats stats() {
        RecentAnswers.Mean answered = answers.mean();
        return new DispatchStats(requests.get(), succeeded.get(), rateLimited.get(), retried.get(), failed.get(),
                tokens.get(), pacer.requestsPerMinute(), pacer.tokensPerMinute(), pacer.ratio(), pacer.factor(),
                answered.total(), answered.counted(), answered.seconds());
    }

    /** Stops the senders; requests still queued or in flight are cancelled (their jobs are given back). */
    @Override
    public void close() {
        closed = true;
        senders.forEach(Thread::interrupt);
        Request left;
        while ((left = queue.poll()) != null) {
            left.result.cancel(false);
        }
    }

    private List<List<String>> shape(List<String> texts) {
        List<List<String>> shaped = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentTokens = 0;
        for (String text : texts) {
            long next = countTokens(text);
            if (!fits(current.size(), currentTokens, next)) {
                shaped.add(current);
                current = new ArrayList<>();
                currentTokens = 0;
            }
            current.add(text);
            currentTokens += next;
        }
        if (!current.isEmpty()) {
            shaped.add(current);
        }
        return shaped;
    }

    private static List<float[]> await(List<CompletableFuture<List<float[]>>> parts) {
        List<float[]> vectors = new ArrayList<>();
        try {
            for (CompletableFuture<List<float[]>> part : parts) {
                vectors.addAll(part.get());
            }
            return vectors;
        } catch (InterruptedException e) {
            parts.forEach(p -> p.cancel(true));
            Thread.currentThread().interrupt();
            throw new EmbeddingException("embedding was interrupted", EmbeddingException.Kind.TRANSIENT, null, e);
        } catch (CancellationException e) {
            throw new RagException("the embedder is shutting down");
        } catch (ExecutionException e) {
            parts.forEach(p -> p.cancel(true));
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new RagException("embedding failed unexpectedly (" + dev.reporag.core.policy.ErrorWords.of(e.getCause()) + ")");
        }
    }

    private CompletableFuture<List<float[]>> enqueue(List<String> texts, boolean interactive, long place) {
        Request request = new Request(texts, interactive, place);
        if (texts.isEmpty()) {
            request.result.complete(List.of());
        } else if (closed) {
            request.result.cancel(false);
        } else {
            queue.add(request);
        }
        return request.result;
    }

    private void send() {
        while (!closed) {
            Request request;
            try {
                request = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (!request.claim()) {
                continue;
            }
            try {
                run(request);
            } catch (RagException e) {
                fail(request, e);
            } catch (RuntimeException e) {
                log.error("embedding request failed unexpectedly", e);
                fail(request, new RagException("embedding failed unexpectedly (" + dev.reporag.core.policy.ErrorWords.of(e)
                        + "); see the log for details"));
            } catch (Error e) {
                request.result.completeExceptionally(e);
                throw e;
            } finally {
                request.release();
            }
        }
    }

    /** Sends one request until it has vectors, is split, fails for good or is cancelled. */
    private void run(Request request) {
        while (true) {
            if (request.result.isDone()) {
                return;
            }
            if (closed) {
                request.result.cancel(false);
                return;
            }
            Duration slot = pacer.slot(request.tokens);
            long pausesBefore = pauses.get();
            RateBudget.Reservation reservation = reserve(slot, request.tokens);
            if (!sleepUntil(System.nanoTime() + reservation.delay().toNanos())) {
                continue; // cancelled or closing: checked above
            }
            if (pauses.get() != pausesBefore && pausedUntil - System.nanoTime() > 0) {
                // A 429 paused the key after this start was reserved: take a start after the pause.
                continue;
            }
            if (!keepDelay()) {
                continue;
            }
            long sent = System.nanoTime();
            requests.incrementAndGet();
            request.attempts++;
            EmbeddingResult result;
            boolean pipelineFull;
            try {
                pipelineFull = inFlight.incrementAndGet() >= policy.concurrency();
                try {
                    result = embedder.embed(request.texts);
                } finally {
                    inFlight.decrementAndGet();
                }
                if (result.vectors().size() != request.texts.size()) {
                    throw new EmbeddingException("the embedding model returned " + result.vectors().size()
                            + " vectors for " + request.texts.size() + " inputs", EmbeddingException.Kind.TRANSIENT,
                            result.report(), null);
                }
            } catch (EmbeddingException e) {
                if (request.result.isDone()) {
                    return;
                }
                if (!retryAfter(request, e, sent, reservation)) {
                    return;
                }
                continue;
            }
            succeeded.incrementAndGet();
            tokens.addAndGet(request.tokens);
            if (!request.interactive) {
                answers.add(System.nanoTime() - sent, pipelineFull);
            }
            Duration pause = pacer.succeeded(sent, reservation.reservedTokens(), request.tokens, result.report());
            if (pause != null) {
                pause(pause);
            }
            request.result.complete(result.vectors());
            return;
        }
    }

    /** Deals with a failed attempt; true when the request should be sent again. */
    private boolean retryAfter(Request request, EmbeddingException e, long sent, RateBudget.Reservation reservation) {
        switch (e.kind()) {
            case RATE_LIMITED -> {
                rateLimited.incrementAndGet();
                Duration asked = pacer.rateLimited(sent, reservation.reservedTokens(), request.tokens, e.report(),
                        System.nanoTime());
                Duration wait = retry.capped(asked);
                pause(wait);
                log.debug("{}; every request of the key waits {} ms", e.getMessage(), wait.toMillis());
                if (request.interactive && (request.attempts >= INTERACTIVE_ATTEMPTS
                        || asked.compareTo(INTERACTIVE_MAX_WAIT) > 0)) {
                    giveUp(request, e.getMessage() + "; try again in " + (asked.toSeconds() + 1) + " s");
                    return false;
                }
                return true;
            }
            case TRANSIENT -> {
                request.failures++;
                boolean exhausted = request.interactive ? request.attempts >= INTERACTIVE_ATTEMPTS
                        : !retry.allowsRetry(request.failures);
                if (exhausted) {
                    int tries = request.interactive ? request.attempts : request.failures;
                    giveUp(request, e.getMessage() + " (gave up after " + tries + " attempts)");
                    return false;
                }
                retried.incrementAndGet();
                Duration wait = retry.delay(request.failures, e.retryAfter(), ThreadLocalRandom.current().nextDouble());
                log.info("{}; retrying in {} ms (attempt {} of {})", e.getMessage(), wait.toMillis(),
                        request.failures + 1, retry.maxAttempts());
                sleepUntil(System.nanoTime() + wait.toNanos());
                return true;
            }
            case TOO_LARGE -> {
                split(request, e);
                return false;
            }
            default -> {
                failed.incrementAndGet();
                fail(request, e);
                return false;
            }
        }
    }

    private void giveUp(Request request, String message) {
        failed.incrementAndGet();
        log.warn("giving up on an embedding request of {} inputs: {}", request.texts.size(), message);
        fail(request, EmbeddingException.permanent(message));
    }

    /**
     * Sends a request that was too large as two, first in line: its texts in two halves, or a
     * single text cut in two near its middle (at a line break when there is one), the two vectors
     * averaged by length.
     */
    private void split(Request request, EmbeddingException e) {
        if (request.texts.size() > 1) {
            int half = request.texts.size() / 2;
            log.info("{}: splitting a request of {} inputs in two", e.getMessage(), request.texts.size());
            join(request, request.texts.subList(0, half), request.texts.subList(half, request.texts.size()), null);
            return;
        }
        String text = request.texts.get(0);
        if (text.length() < 2 * MIN_SPLIT_CHARS) {
            failed.incrementAndGet();
            fail(request, EmbeddingException.permanent(e.getMessage() + " (an input of " + text.length()
                    + " characters, even after splitting; lower RAG_CHUNK_SIZE)"));
            return;
        }
        int cut = cutPoint(text);
        log.info("{}: embedding an input of {} characters in two parts", e.getMessage(), text.length());
        join(request, List.of(text.substring(0, cut)), List.of(text.substring(cut)), new int[]{cut, text.length() - cut});
    }

    private void join(Request whole, List<String> first, List<String> second, int[] weights) {
        CompletableFuture<List<float[]>> a = enqueue(List.copyOf(first), whole.interactive, whole.place);
        CompletableFuture<List<float[]>> b = enqueue(List.copyOf(second), whole.interactive, whole.place);
        // One part failing (or being cancelled) ends the whole, and the whole ending early ends both parts.
        for (CompletableFuture<List<float[]>> part : List.of(a, b)) {
            part.whenComplete((v, error) -> {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof CancellationException) {
                    whole.result.cancel(false);
                } else if (cause != null) {
                    whole.result.completeExceptionally(cause);
                }
            });
        }
        whole.result.whenComplete((v, error) -> {
            if (error != null) {
                a.cancel(true);
                b.cancel(true);
            }
        });
        a.thenCombine(b, (x, y) -> weights == null ? concat(x, y)
                : List.of(mean(x.get(0), weights[0], y.get(0), weights[1]))).thenAccept(whole.result::complete);
    }

    private static List<float[]> concat(List<float[]> a, List<float[]> b) {
        List<float[]> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    /** The length-weighted mean of two vectors, scaled to unit length. */
    static float[] mean(float[] a, int weightA, float[] b, int weightB) {
        float[] mean = new float[a.length];
        double norm = 0;
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (a[i] * weightA + b[i] * weightB) / (weightA + weightB);
            norm += (double) mean[i] * mean[i];
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < mean.length; i++) {
                mean[i] *= scale;
            }
        }
        return mean;
    }

    /** A line break near the middle, else the middle (never inside a surrogate pair). */
    static int cutPoint(String text) {
        int middle = text.length() / 2;
        int before = text.lastIndexOf('\n', middle);
        int after = text.indexOf('\n', middle);
        int quarter = text.length() / 4;
        if (before > quarter && (after < 0 || middle - before <= after - middle)) {
            return before + 1;
        }
        if (after >= 0 && after < text.length() - quarter) {
            return after + 1;
        }
        return Character.isLowSurrogate(text.charAt(middle)) ? middle + 1 : middle;
    }

    private RateBudget.Reservation reserve(Duration slot, long requestTokens) {
        String line = key != null ? key : "local";
        try {
            return budget.reserve(line, slot, requestTokens);
        } catch (RuntimeException e) {
            warnBudget(e);
            return fallback.reserve(line, slot, requestTokens);
        }
    }

    private void pause(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        synchronized (pauses) {
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
            pauses.incrementAndGet();
        }
        String line = key != null ? key : "local";
        try {
            budget.pause(line, wait);
        } catch (RuntimeException e) {
            warnBudget(e);
            fallback.pause(line, wait);
        }
    }

    /** The shared time line is out of reach (the database is down): this process paces alone meanwhile. */
    private void warnBudget(RuntimeException e) {
        long now = System.nanoTime();
        if (budgetWarnedAt == 0 || now - budgetWarnedAt > 60_000_000_000L) {
            budgetWarnedAt = now;
            log.warn("the shared rate budget is unavailable ({}); pacing this process alone", e.getMessage());
        }
    }

    /**
     * RAG_DELAY between two sends of this process, even when a thread woke late for its reserved
     * start and would go out right after another; false when interrupted.
     */
    private boolean keepDelay() {
        long gap = policy.minDelay().toNanos();
        if (gap == 0) {
            return true;
        }
        synchronized (delayLock) {
            if (!sleepUntil(lastSend + gap)) {
                return false;
            }
            lastSend = System.nanoTime();
            return true;
        }
    }

    /** Waits; false when interrupted (the request was cancelled, or the dispatcher is closing). */
    private static boolean sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                return false;
            }
        }
        return true;
    }

    private static void fail(Request request, RuntimeException e) {
        request.result.completeExceptionally(e);
    }

    /** One request: its texts, its place in line, and the thread sending it (to interrupt on cancel). */
    private final class Request implements Comparable<Request> {
        final List<String> texts;
        final boolean interactive;
        final long place;
        final long tokens;
        final CompletableFuture<List<float[]>> result = new CompletableFuture<>();
        int attempts;
        int failures;
        private Thread runner;

        Request(List<String> texts, boolean interactive, long place) {
            this.texts = texts;
            this.interactive = interactive;
            this.place = place;
            long sum = 0;
            for (String text : texts) {
                sum += embedder.countTokens(text);
            }
            this.tokens = sum;
            result.whenComplete((v, e) -> {
                if (result.isCancelled()) {
                    interrupt();
                }
            });
        }

        synchronized boolean claim() {
            if (result.isDone()) {
                return false;
            }
            runner = Thread.currentThread();
            return true;
        }

        void release() {
            synchronized (this) {
                runner = null;
            }
            Thread.interrupted(); // an interrupt meant for this request must not reach the next one
        }

        synchronized void interrupt() {
            if (runner != null) {
                runner.interrupt();
            }
        }

        @Override
        public int compareTo(Request other) {
            if (interactive != other.interactive) {
                return interactive ? -1 : 1;
            }
            return Long.compare(place, other.place);
        }
    }
}

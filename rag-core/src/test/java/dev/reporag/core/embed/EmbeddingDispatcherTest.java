package dev.reporag.core.embed;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryRateBudget;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.policy.RetryPolicy;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.EmbeddingResult;
import dev.reporag.core.port.ServerReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingDispatcherTest {
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofSeconds(5));
    private final HashingEmbedder hashing = new HashingEmbedder();
    private final List<EmbeddingDispatcher> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(EmbeddingDispatcher::close);
    }

    private EmbeddingDispatcher dispatcher(Embedder embedder, BatchPolicy policy, RateLimits limits) {
        return dispatcher(embedder, policy, limits, null);
    }

    private EmbeddingDispatcher dispatcher(Embedder embedder, BatchPolicy policy, RateLimits limits,
                                           InMemoryRateBudget budget) {
        EmbeddingDispatcher dispatcher = new EmbeddingDispatcher(embedder, policy, FAST_RETRY, limits, budget);
        opened.add(dispatcher);
        return dispatcher;
    }

    private static BatchPolicy batches(int size, int concurrency) {
        return new BatchPolicy(size, 100_000, Duration.ZERO, concurrency);
    }

    private static List<String> texts(int count, int chars) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder("// text " + i + "\n");
            for (int line = 0; text.length() < chars; line++) {
                text.append("int value").append(i).append('_').append(line).append(" = compute(").append(line)
                        .append(");\n");
            }
            texts.add(text.substring(0, chars));
        }
        return texts;
    }

    private void assertHashed(List<String> texts, List<float[]> vectors) {
        assertThat(vectors).hasSize(texts.size());
        List<float[]> expected = hashing.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).as("vector %d", i).containsExactly(expected.get(i));
        }
    }

    /** An embedder answering by a script of (call number from 0, texts). */
    private final class Scripted implements Embedder {
        final AtomicInteger calls = new AtomicInteger();
        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        private final BiFunction<Integer, List<String>, EmbeddingResult> script;

        Scripted(BiFunction<Integer, List<String>, EmbeddingResult> script) {
            this.script = script;
        }

        @Override
        public String modelId() {
            return "scripted";
        }

        @Override
        public int dimension() {
            return hashing.dimension();
        }

        @Override
        public int maxInputChars() {
            return 4000;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return embed(texts).vectors();
        }

        @Override
        public EmbeddingResult embed(List<String> texts) {
            requests.add(List.copyOf(texts));
            return script.apply(calls.getAndIncrement(), texts);
        }
    }

    private EmbeddingResult vectors(List<String> texts) {
        return new EmbeddingResult(hashing.embedAll(texts), ServerReport.NONE);
    }

    @Test
    void rateLimitsNeverFailARequestHowEverManyTheyAre() throws Exception {
        ServerReport wait = ServerReport.NONE.withRetryAfter(Duration.ofMillis(10));
        Scripted api = new Scripted((call, texts) -> {
            if (call < 12) {
                throw EmbeddingException.rateLimited("rate limit reached (429)", wait);
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(5, 2), RateLimits.NONE);
        List<String> texts = texts(5, 100);

        List<float[]> vectors = dispatcher.submit(texts).get(10, TimeUnit.SECONDS);

        assertHashed(texts, vectors);
        assertThat(api.calls.get()).isEqualTo(13); // four times the retry budget, all 429s
        assertThat(dispatcher.stats().rateLimited()).isEqualTo(12);
        assertThat(dispatcher.stats().failed()).isZero();
        assertThat(dispatcher.stats().pace()).isLessThan(1);
    }

    @Test
    void transientFailuresGiveUpAfterTheRetryBudgetWithTheLastError() {
        Scripted api = new Scripted((call, texts) -> {
            throw EmbeddingException.transientFailure("the API answered 503", null);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(5, 1), RateLimits.NONE);

        assertThatThrownBy(() -> dispatcher.embedAll(texts(3, 50)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("the API answered 503 (gave up after 3 attempts)");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(api.calls.get()).isEqualTo(3);
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        Scripted api = new Scripted((call, texts) -> {
            throw EmbeddingException.permanent("the API key was rejected (401)");
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(5, 1), RateLimits.NONE);

        assertThatThrownBy(() -> dispatcher.embedAll(texts(3, 50))).hasMessage("the API key was rejected (401)");
        assertThat(api.calls.get()).isEqualTo(1);
    }

    @Test
    void aRequestTooLargeIsSplitAndAnInputTooLongIsEmbeddedInTwoHalves() {
        // The server takes at most 3 inputs, each of at most 150 characters.
        Scripted api = new Scripted((call, texts) -> {
            if (texts.size() > 3 || texts.stream().anyMatch(t -> t.length() > 150)) {
                throw EmbeddingException.tooLarge("the request is too large (400)");
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(10, 2), RateLimits.NONE);
        List<String> texts = new ArrayList<>(texts(9, 100));
        String longText = texts(1, 260).get(0);
        texts.add(4, longText);

        List<float[]> vectors = dispatcher.embedAll(texts);

        assertThat(vectors).hasSize(10);
        List<String> ordinary = new ArrayList<>(texts);
        ordinary.remove(4);
        List<float[]> others = new ArrayList<>(vectors);
        others.remove(4);
        assertHashed(ordinary, others);
        int cut = EmbeddingDispatcher.cutPoint(longText);
        assertThat(longText.charAt(cut - 1)).isEqualTo('\n');
        List<float[]> halves = hashing.embedAll(List.of(longText.substring(0, cut), longText.substring(cut)));
        assertThat(vectors.get(4)).containsExactly(EmbeddingDispatcher.mean(halves.get(0), cut, halves.get(1),
                longText.length() - cut));
        assertThat(api.requests).allSatisfy(r -> assertThat(r.size()).isLessThanOrEqualTo(10));
        assertThat(dispatcher.stats().failed()).isZero();
    }

    @Test
    void anInputStillRefusedWhenShortFailsNamingTheSetting() {
        Scripted api = new Scripted((call, texts) -> {
            throw EmbeddingException.tooLarge("this model's maximum context length is 8 tokens (400)");
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(5, 1), RateLimits.NONE);

        assertThatThrownBy(() -> dispatcher.embedAll(List.of("x".repeat(200))))
                .hasMessageContaining("maximum context length").hasMessageContaining("even after splitting")
                .hasMessageContaining("RAG_CHUNK_SIZE");
        // 200 characters, halved until under 64 (100, then 50): at most 1 + 2 + 4 requests.
        assertThat(api.calls.get()).isBetween(4, 7);
    }

    @Test
    void keepsTheDelayBetweenStartsAcrossConcurrentRequests() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        Scripted api = new Scripted((call, texts) -> {
            starts.add(System.nanoTime());
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, new BatchPolicy(1, 100_000, Duration.ofMillis(100), 4),
                RateLimits.NONE);

        dispatcher.embedAll(texts(5, 20));

        // Sends are 100 ms apart; this records them a moment later, which may jitter on a busy machine.
        List<Long> sorted = starts.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat((sorted.get(i) - sorted.get(i - 1)) / 1_000_000).isGreaterThanOrEqualTo(50);
        }
        assertThat((sorted.get(4) - sorted.get(0)) / 1_000_000).isGreaterThanOrEqualTo(370);
    }

    @Test
    void theRequestBudgetSpacesStarts() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        Scripted api = new Scripted((call, texts) -> {
            starts.add(System.nanoTime());
            return vectors(texts);
        });
        // 600 requests a minute at 97 %: one every ~103 ms.
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 4), new RateLimits(600, 0));

        dispatcher.embedAll(texts(6, 20));

        List<Long> sorted = starts.stream().sorted().toList();
        assertThat((sorted.get(5) - sorted.get(0)) / 1_000_000).isBetween(500L, 1_500L);
    }

    @Test
    void theRequestsOfEveryCallerShareTheConcurrencyBound() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Scripted api = new Scripted((call, texts) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(2, 2), RateLimits.NONE);
        List<CompletableFuture<List<float[]>>> all = new ArrayList<>();
        for (int job = 0; job < 3; job++) {
            for (List<String> request : List.of(texts(2, 30), texts(2, 40), texts(2, 50), texts(2, 60))) {
                all.add(dispatcher.submit(request));
            }
        }

        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(most.get()).isEqualTo(2);
        assertThat(api.calls.get()).isEqualTo(12);
    }

    @Test
    void aQuestionGoesBeforeQueuedJobRequests() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        Scripted api = new Scripted((call, texts) -> {
            if (call == 0) {
                try {
                    first.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 1), RateLimits.NONE);
        List<CompletableFuture<List<float[]>>> jobs = new ArrayList<>();
        for (String text : List.of("job 1", "job 2", "job 3", "job 4")) {
            jobs.add(dispatcher.submit(List.of(text)));
        }
        while (api.requests.isEmpty()) {
            Thread.sleep(5); // the first job request is being sent
        }
        CompletableFuture<float[]> question = new CompletableFuture<>();
        Thread asking = new Thread(() -> question.complete(dispatcher.embedQuestion("why?")));
        asking.start();
        // The question is queued (its thread waits for it) behind the first request, ahead of the rest.
        while (api.requests.isEmpty() || asking.getState() != Thread.State.WAITING) {
            Thread.sleep(5);
        }
        first.countDown();

        question.get(5, TimeUnit.SECONDS);
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

        assertThat(api.requests).extracting(r -> r.get(0)).containsExactly("job 1", "why?", "job 2", "job 3", "job 4");
    }

    @Test
    void aQuestionIsRateLimitedAtMostTwiceBeforeItFails() {
        Scripted api = new Scripted((call, texts) -> {
            throw EmbeddingException.rateLimited("rate limit reached (429)",
                    ServerReport.NONE.withRetryAfter(Duration.ofMillis(5)));
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 1), RateLimits.NONE);

        assertThatThrownBy(() -> dispatcher.embedQuestion("why?")).hasMessage(
                "rate limit reached (429); try again in 1 s");
        assertThat(api.calls.get()).isEqualTo(EmbeddingDispatcher.INTERACTIVE_ATTEMPTS);
    }

    @Test
    void aQuestionToldToWaitLongFailsAtOnceSayingWhenToAskAgain() {
        Scripted api = new Scripted((call, texts) -> {
            throw EmbeddingException.rateLimited("rate limit reached (429)",
                    ServerReport.NONE.withRetryAfter(Duration.ofSeconds(20)));
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 1), RateLimits.NONE);

        long start = System.nanoTime();
        assertThatThrownBy(() -> dispatcher.embedQuestion("why?")).hasMessage(
                "rate limit reached (429); try again in 21 s");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
        assertThat(api.calls.get()).isEqualTo(1);
    }

    @Test
    void cancellingARequestInFlightInterruptsItAndTheNextOneRuns() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Scripted api = new Scripted((call, texts) -> {
            if (call == 0) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw new EmbeddingException("interrupted", EmbeddingException.Kind.TRANSIENT, null, e);
                }
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 1), RateLimits.NONE);
        CompletableFuture<List<float[]>> slow = dispatcher.submit(List.of("slow"));
        while (api.calls.get() == 0) {
            Thread.sleep(5);
        }

        slow.cancel(true);

        assertThat(interrupted.await(2, TimeUnit.SECONDS)).isTrue();
        assertHashed(List.of("next"), dispatcher.submit(List.of("next")).get(2, TimeUnit.SECONDS));
        assertThat(api.calls.get()).isEqualTo(2);
    }

    @Test
    void closingCancelsWhatIsQueued() {
        CountDownLatch never = new CountDownLatch(1);
        Scripted api = new Scripted((call, texts) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 1), RateLimits.NONE);
        CompletableFuture<List<float[]>> queued = dispatcher.submit(List.of("a"));
        CompletableFuture<List<float[]>> behind = dispatcher.submit(List.of("b"));

        dispatcher.close();

        assertThat(behind).isCancelled();
        assertThatThrownBy(() -> dispatcher.submit(List.of("c")).get()).isInstanceOf(
                java.util.concurrent.CancellationException.class);
        assertThat(queued.isDone() || api.calls.get() == 1).isTrue();
    }

    @Test
    void pacesByTheServersOwnCountAndStaysWithinItsBucket() throws ExecutionException, InterruptedException {
        // 300,000 tokens a minute (5,000 a second) in a bucket of 2 s; the server counts 1.4 times
        // what the embedder counts, and the dispatcher starts out assuming they agree.
        SimulatedApi api = new SimulatedApi(300_000, 2, 1.4, 5, "key-1");
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(5, 4), new RateLimits(0, 300_000));
        List<String> texts = texts(200, 400); // 100 tokens each here, 140 at the server: 28,000 in all

        long start = System.nanoTime();
        List<float[]> vectors = dispatcher.embedAll(texts);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertHashed(texts, vectors);
        List<SimulatedApi.Call> calls = api.calls();
        long limited = calls.stream().filter(c -> c.status() == 429).count();
        assertThat(limited).as("429s of %d requests", calls.size()).isLessThanOrEqualTo(3);
        assertThat(dispatcher.stats().ratio()).isBetween(1.3, 1.5);
        // 28,000 server tokens minus the starting bucket (10,000) at 5,000 a second: at least 3.6 s.
        assertThat(seconds).isBetween(3.6, 8.5);
    }

    @Test
    void twoDispatchersOnOneBudgetShareTheKeysPace() throws Exception {
        // Two processes' dispatchers, one key, one time line: together within the budget.
        SimulatedApi api = new SimulatedApi(300_000, 2, 1.0, 5, "shared-key");
        InMemoryRateBudget budget = new InMemoryRateBudget();
        EmbeddingDispatcher a = dispatcher(api, batches(5, 2), new RateLimits(0, 300_000), budget);
        EmbeddingDispatcher b = dispatcher(api, batches(5, 2), new RateLimits(0, 300_000), budget);
        List<String> texts = texts(100, 400); // 10,000 tokens each

        CompletableFuture<List<float[]>> first = CompletableFuture.supplyAsync(() -> a.embedAll(texts));
        CompletableFuture<List<float[]>> second = CompletableFuture.supplyAsync(() -> b.embedAll(texts));
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);

        long limited = api.calls().stream().filter(c -> c.status() == 429).count();
        assertThat(limited).as("429s of %d requests", api.calls().size()).isLessThanOrEqualTo(2);
        assertThat(a.stats().ratio()).isBetween(0.9, 1.1);
        assertThat(b.stats().ratio()).isBetween(0.9, 1.1);
    }

    @Test
    void theAnswerTimeFollowsTheServersLatestAnswersAndLeavesQuestionsOut() throws Exception {
        int fast = 2 * RecentAnswers.WINDOW;
        int slow = 2 * RecentAnswers.WINDOW;
        Scripted api = new Scripted((call, texts) -> {
            sleep(call < fast ? 1 : 20);
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 4), RateLimits.NONE);

        dispatcher.embedAll(texts(fast, 50));
        dispatcher.embedQuestion("a question, answered slowly, which is not indexing");
        dispatcher.embedAll(texts(slow, 50));

        DispatchStats stats = dispatcher.stats();
        assertThat(stats.answered()).isEqualTo(fast + slow);
        assertThat(stats.recentAnswers()).isEqualTo(RecentAnswers.WINDOW);
        // Every one of the latest answers took 20 ms or more; a mean since the start would be about half that.
        assertThat(stats.answerSeconds()).isGreaterThanOrEqualTo(0.020);
    }

    @Test
    void onAServerThatEmbedsOneRequestAtATimeTheAnswerTimeIsThatOfAFullPipeline() throws Exception {
        // A self-hosted model: one request at a time, the others in line. In a long job each request
        // waits behind the three others in flight: 4 x its own time is what the estimate divides by 4.
        ReentrantLock oneAtATime = new ReentrantLock(true);
        AtomicLong served = new AtomicLong();
        Scripted api = new Scripted((call, texts) -> {
            oneAtATime.lock();
            try {
                long start = System.nanoTime();
                sleep(15);
                served.addAndGet(System.nanoTime() - start);
            } finally {
                oneAtATime.unlock();
            }
            return vectors(texts);
        });
        EmbeddingDispatcher dispatcher = dispatcher(api, batches(1, 4), RateLimits.NONE);

        // A job slow to produce: each request sent alone, answered in the server's own time.
        for (String text : texts(20, 50)) {
            dispatcher.embedAll(List.of(text));
        }
        dispatcher.embedAll(texts(24, 50));

        double service = served.get() / 1e9 / api.calls.get();
        DispatchStats stats = dispatcher.stats();
        assertThat(stats.answered()).isEqualTo(44);
        // Every answer counted, the mean would be about 2.5 x the server's time.
        assertThat(stats.answerSeconds()).as("server time %.4f s", service).isGreaterThanOrEqualTo(3.2 * service);
        assertThat(stats.recentAnswers()).as("the lone requests left out").isBetween((long) RecentAnswers.MIN_FULL, 21L);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.reporag.openai;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seam under LangChain4j: headers reach the observer; every call and stream is bounded in time and size. */
class ObservedHttpClientTest {
    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
    private final ObservedHttpClient client = ObservedHttpClient.builder(1 << 20, seen::add)
            .readTimeout(Duration.ofMillis(1_000)).connectTimeout(Duration.ofSeconds(1)).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest embeddings(String key) {
        return HttpRequest.builder().method(HttpMethod.POST).url(server.baseUrl(), "embeddings")
                .addHeader("Authorization", "Bearer " + key).addHeader("Content-Type", "application/json")
                .body("{\"model\":\"m\",\"input\":[\"x\"]}").build();
    }

    private HttpRequest chatStream() {
        return HttpRequest.builder().method(HttpMethod.POST).url(server.baseUrl(), "chat/completions")
                .addHeader("Authorization", "Bearer " + FakeOpenAiServer.KEY)
                .addHeader("Content-Type", "application/json")
                .body("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .build();
    }

    @Test
    void showsTheHeadersOfASuccess() {
        server.limits(100, 10_000);

        SuccessfulHttpResponse response = client.execute(embeddings(FakeOpenAiServer.KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RateLimitHeaders.parse(seen.get(0)).limitTokens()).isEqualTo(10_000);
    }

    @Test
    void keepsTheHeadersOfAnErrorOnTheException() {
        server.forcedRetryAfterMillis = 1_234;
        server.failNext(FakeOpenAiServer.Fault.RATE_LIMIT);

        assertThatThrownBy(() -> client.execute(embeddings(FakeOpenAiServer.KEY)))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(RateLimitHeaders.parse(e.headers()).retryAfter()).isEqualTo(Duration.ofMillis(1_234));
                    assertThat(e.getMessage()).isEqualTo("HTTP 429");
                });
        assertThat(seen).hasSize(1);
    }

    @Test
    void aSlowAnswerTimesOutAndADroppedConnectionIsAnIoFailure() {
        server.hangMillis = 2_000;
        server.failNext(FakeOpenAiServer.Fault.HANG, FakeOpenAiServer.Fault.RESET);

        assertThatThrownBy(() -> client.execute(embeddings(FakeOpenAiServer.KEY))).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> client.execute(embeddings(FakeOpenAiServer.KEY)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(client.execute(embeddings(FakeOpenAiServer.KEY)).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIsAbandonedAfterTheLimit() {
        server.hugeBytes = 50L << 20;
        server.failNext(FakeOpenAiServer.Fault.HUGE);

        assertThatThrownBy(() -> client.execute(embeddings(FakeOpenAiServer.KEY)))
                .isInstanceOfSatisfying(UncheckedIOException.class, e ->
                        assertThat(e.getCause()).isInstanceOf(LimitedBody.TooLarge.class)
                                .hasMessage("the response was larger than 1 MiB"));
    }

    /** Collects a stream's events and how it ended. */
    private static final class Collected implements ServerSentEventListener {
        final List<String> data = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        @Override
        public void onEvent(ServerSentEvent event) {
            data.add(event.data());
        }

        @Override
        public void onError(Throwable error) {
            ended.complete(error);
        }

        @Override
        public void onClose() {
            ended.complete(null);
        }
    }

    @Test
    void aStreamOfKeepAlivesOnlyEndsAtTheDeadlineWithATimeout() throws Exception {
        server.failNext(FakeOpenAiServer.Fault.KEEP_ALIVE);
        Collected events = new Collected();
        long start = System.nanoTime();

        client.execute(chatStream(), new DefaultServerSentEventParser(), events);

        assertThat(events.ended.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(950L, 2_000L);
        assertThat(events.data).isEmpty();
    }

    @Test
    void aStreamOfEndlessTokensIsCutAtTheDeadline() throws Exception {
        server.failNext(FakeOpenAiServer.Fault.ENDLESS_TOKENS);
        Collected events = new Collected();

        client.execute(chatStream(), new DefaultServerSentEventParser(), events);

        assertThat(events.ended.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        int atTheEnd = events.data.size();
        Thread.sleep(300);
        assertThat(atTheEnd).isGreaterThan(10);
        assertThat(events.data).hasSize(atTheEnd); // nothing after the end
    }

    @Test
    void aStreamThatEndsNormallyCloses() throws Exception {
        Collected events = new Collected();

        client.execute(chatStream(), new DefaultServerSentEventParser(), events);

        assertThat(events.ended.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(events.data).last().isEqualTo("[DONE]");
    }
}

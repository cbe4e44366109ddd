package dev.reporag.openai;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seam under LangChain4j: headers reach the observer on success and on error. */
class ObservedHttpClientTest {
    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
    private final ObservedHttpClient client = ObservedHttpClient.builder(seen::add)
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
}

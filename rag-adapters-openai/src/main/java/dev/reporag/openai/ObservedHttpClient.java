package dev.reporag.openai;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The seam under LangChain4j's OpenAI models: a blocking call that shows every response's headers
 * to an observer and throws {@link HttpStatusException} (headers kept) on an error status. Streams
 * (server-sent events) are left to LangChain4j's JDK client.
 */
final class ObservedHttpClient implements HttpClient {
    private final java.net.http.HttpClient jdk;
    private final Duration readTimeout;
    private final Consumer<Map<String, List<String>>> observer;
    private final HttpClient streams;

    private ObservedHttpClient(Builder builder) {
        // HTTP/2 where TLS negotiates it; plain-http servers (local ones) get HTTP/1.1 without the
        // h2c upgrade dance, which can hold a retry behind a hung first request.
        java.net.http.HttpClient.Builder jdkBuilder = java.net.http.HttpClient.newBuilder();
        if (builder.connectTimeout != null) {
            jdkBuilder.connectTimeout(builder.connectTimeout);
        }
        this.jdk = jdkBuilder.build();
        this.readTimeout = builder.readTimeout;
        this.observer = builder.observer;
        this.streams = JdkHttpClient.builder()
                .httpClientBuilder(java.net.http.HttpClient.newBuilder())
                .connectTimeout(builder.connectTimeout)
                .readTimeout(builder.readTimeout)
                .build();
    }

    static Builder builder(Consumer<Map<String, List<String>>> observer) {
        return new Builder(observer);
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = jdk.send(toJdk(request), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledCall(e);
        }
        Map<String, List<String>> headers = response.headers().map();
        observer.accept(headers);
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new HttpStatusException(status, headers, response.body());
        }
        return SuccessfulHttpResponse.builder().statusCode(status).headers(headers).body(response.body()).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        streams.execute(request, parser, listener);
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        URI uri = URI.create(request.url());
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri);
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            builder.version(java.net.http.HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        builder.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        if (readTimeout != null) {
            builder.timeout(readTimeout);
        }
        return builder.build();
    }

    /** The calling thread was interrupted: the job is being stopped, not the API failing. */
    static final class CancelledCall extends RuntimeException {
        CancelledCall(InterruptedException cause) {
            super("interrupted", cause);
        }
    }

    static final class Builder implements HttpClientBuilder {
        private final Consumer<Map<String, List<String>>> observer;
        private Duration connectTimeout;
        private Duration readTimeout;

        private Builder(Consumer<Map<String, List<String>>> observer) {
            this.observer = observer;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public ObservedHttpClient build() {
            return new ObservedHttpClient(this);
        }
    }
}

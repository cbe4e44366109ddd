package dev.reporag.openai;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The seam under LangChain4j's OpenAI models, over {@code java.net.http}: every call, a stream of
 * server-sent events included, ends within its timeout from the moment it is sent (a server that
 * hangs, dribbles, sends only keep-alives or tokens forever is cut off), and every body is read up
 * to a size limit. Each response's headers are shown to an observer, and an error status becomes
 * an {@link HttpStatusException} that keeps them (with Retry-After and the rate-limit counts).
 */
final class ObservedHttpClient implements HttpClient {
    /** Stops streams at their deadline; one daemon thread for the process. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "openai-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    /** Enough of an error body to read its message. */
    private static final int ERROR_BODY_BYTES = 64 * 1024;

    private final java.net.http.HttpClient jdk;
    private final Duration timeout;
    private final long maxBodyBytes;
    private final Consumer<Map<String, List<String>>> observer;
    private final Consumer<String> bodyObserver;
    private final java.util.function.UnaryOperator<String> requestRewriter;

    private ObservedHttpClient(Builder builder) {
        // HTTP/2 where TLS negotiates it; plain-http servers (local ones) get HTTP/1.1 without the
        // h2c upgrade dance, which can hold a retry behind a hung first request.
        java.net.http.HttpClient.Builder jdkBuilder = java.net.http.HttpClient.newBuilder();
        Duration connect = builder.connectTimeout != null ? builder.connectTimeout : builder.readTimeout;
        if (connect != null) {
            jdkBuilder.connectTimeout(connect);
        }
        this.jdk = jdkBuilder.build();
        this.timeout = builder.readTimeout != null ? builder.readTimeout : Duration.ofSeconds(60);
        this.maxBodyBytes = builder.maxBodyBytes;
        this.observer = builder.observer;
        this.bodyObserver = builder.bodyObserver;
        this.requestRewriter = builder.requestRewriter;
    }

    static Builder builder(long maxBodyBytes, Consumer<Map<String, List<String>>> observer) {
        return new Builder(maxBodyBytes, observer);
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> call = jdk.sendAsync(toJdk(request), LimitedBody.handler(maxBodyBytes));
        HttpResponse<byte[]> response;
        try {
            response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            throw new TimeoutException(new HttpTimeoutException("no complete answer within " + timeout));
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancelledCall(e);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
        Map<String, List<String>> headers = response.headers().map();
        observer.accept(headers);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new HttpStatusException(status, headers, body);
        }
        bodyObserver.accept(body);
        return SuccessfulHttpResponse.builder().statusCode(status).headers(headers).body(body).build();
    }

    /**
     * A stream of server-sent events that ends by the deadline whatever the server does: at the
     * deadline the listener hears a {@link TimeoutException} and the stream is closed under the parser.
     */
    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        OnceListener once = new OnceListener(listener);
        CompletableFuture<HttpResponse<InputStream>> call = jdk.sendAsync(toJdk(request),
                HttpResponse.BodyHandlers.ofInputStream());
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            once.onError(new TimeoutException(new HttpTimeoutException("the stream did not end within " + timeout)));
            call.cancel(true);
            call.thenAccept(response -> closeQuietly(response.body()));
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        call.whenComplete((response, error) -> {
            if (error != null) {
                deadline.cancel(false);
                once.onError(translate(error));
                return;
            }
            try (InputStream body = LimitedBody.limited(response.body(), maxBodyBytes)) {
                Map<String, List<String>> headers = response.headers().map();
                observer.accept(headers);
                int status = response.statusCode();
                if (status < 200 || status > 299) {
                    byte[] text = body.readNBytes(ERROR_BODY_BYTES);
                    once.onError(new HttpStatusException(status, headers, new String(text, StandardCharsets.UTF_8)));
                    return;
                }
                once.onOpen(SuccessfulHttpResponse.builder().statusCode(status).headers(headers).build());
                parser.parse(body, once);
                once.onClose();
            } catch (IOException | RuntimeException e) {
                once.onError(e);
            } finally {
                deadline.cancel(false);
            }
        });
    }

    private static RuntimeException translate(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException) {
            cause = cause.getCause();
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LimitedBody.TooLarge tooLarge) {
                return new UncheckedIOException(tooLarge);
            }
        }
        if (cause instanceof HttpTimeoutException timedOut) {
            return new TimeoutException(timedOut);
        }
        if (cause instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new UncheckedIOException(new IOException(cause));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the stream is being abandoned
        }
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
                : java.net.http.HttpRequest.BodyPublishers.ofString(requestRewriter.apply(request.body())));
        return builder.timeout(timeout).build();
    }

    /** Passes on events until the first error or close; later ones (a deadline racing the end) are dropped. */
    private static final class OnceListener implements ServerSentEventListener {
        private final ServerSentEventListener delegate;
        private final AtomicBoolean ended = new AtomicBoolean();

        OnceListener(ServerSentEventListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onOpen(SuccessfulHttpResponse response) {
            if (!ended.get()) {
                delegate.onOpen(response);
            }
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            if (!ended.get()) {
                delegate.onEvent(event, context);
            }
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            if (!ended.get()) {
                delegate.onEvent(event);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (ended.compareAndSet(false, true)) {
                delegate.onError(error);
            }
        }

        @Override
        public void onClose() {
            if (ended.compareAndSet(false, true)) {
                delegate.onClose();
            }
        }
    }

    /** The calling thread was interrupted: the job is being stopped, not the API failing. */
    static final class CancelledCall extends RuntimeException {
        CancelledCall(InterruptedException cause) {
            super("interrupted", cause);
        }
    }

    static final class Builder implements HttpClientBuilder {
        private final long maxBodyBytes;
        private final Consumer<Map<String, List<String>>> observer;
        private Consumer<String> bodyObserver = body -> { };
        private java.util.function.UnaryOperator<String> requestRewriter = body -> body;
        private Duration connectTimeout;
        private Duration readTimeout;

        private Builder(long maxBodyBytes, Consumer<Map<String, List<String>>> observer) {
            this.maxBodyBytes = maxBodyBytes;
            this.observer = observer;
        }

        /** Also hands each successful answer's body to {@code observer}, on the calling thread. */
        Builder observingBodies(Consumer<String> observer) {
            this.bodyObserver = observer;
            return this;
        }

        /** Sends each request's body as {@code rewriter} makes it, when LangChain4j offers no setting. */
        Builder rewritingRequests(java.util.function.UnaryOperator<String> rewriter) {
            this.requestRewriter = rewriter;
            return this;
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

        /** The bound on a whole call, from sending it to the last byte of the answer. */
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

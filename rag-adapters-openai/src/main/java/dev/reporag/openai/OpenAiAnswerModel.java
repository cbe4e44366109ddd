package dev.reporag.openai;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.AnswerCutException;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers through an OpenAI-compatible chat completions API (OpenAI, Groq, or any compatible
 * server), plain or streamed token by token. A user is waiting, so every call is bounded:
 * <ul>
 *   <li>each attempt ends within the timeout ({@code RAG_TIMEOUT}), a stream included, whatever the
 *   server sends (keep-alives only, or tokens forever); a stream cut by it keeps what was written
 *   ({@link AnswerCutException});</li>
 *   <li>at most {@value #ATTEMPTS} attempts: a failure that came quickly (5xx, a dropped connection,
 *   a 429 asking to wait no more than {@link #MAX_RETRY_WAIT}) is tried once more, a timed-out
 *   attempt or a stream that already wrote is not;</li>
 *   <li>the server's rate-limit headers are followed: when they say the budget is spent (no
 *   requests left, fewer tokens left than the prompt, or a 429's Retry-After), the next question
 *   waits for it if that is short, else fails at once saying when to try again.</li>
 * </ul>
 * Failures are {@link RagException}s with a message a user can act on; the core then answers with
 * the passages themselves.
 */
public final class OpenAiAnswerModel implements AnswerModel {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiAnswerModel.class);
    static final int ATTEMPTS = 2;
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(2);
    /** What a stream's caller waits beyond the timeout for the deadline's error to arrive. */
    static final Duration STREAM_MARGIN = Duration.ofSeconds(1);
    /** A chat answer is text: a response larger than this is not read. */
    static final long MAX_RESPONSE_BYTES = 4L << 20;
    static final String CLIENT_THREAD = "rag-openai-chat-client";

    private final OpenAiChatSettings settings;
    private final String provider;
    private record Clients(ChatModel chat, StreamingChatModel streaming) {
    }

    private final BuiltAside<Clients> clients;
    private final ChatGate gate = new ChatGate();
    /**
     * LangChain4j asks every stream for a last usage chunk ({@code stream_options}); Mistral's API
     * (422), Azure's older API versions, Databricks and older vLLM refuse the field. Set when a
     * stream refused with 400 or 422 worked without it.
     */
    private volatile boolean withoutStreamOptions;

    public OpenAiAnswerModel(OpenAiChatSettings settings) {
        this.settings = settings;
        this.provider = Endpoint.provider(settings.baseUrl());
        this.clients = new BuiltAside<>(CLIENT_THREAD, () -> new Clients(chatModel(settings), streamingModel(settings)));
    }

    private ChatModel chatModel(OpenAiChatSettings settings) {
        return OpenAiChatModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(MAX_RESPONSE_BYTES, this::observe))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .maxRetries(0)
                .build();
    }

    private StreamingChatModel streamingModel(OpenAiChatSettings settings) {
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(MAX_RESPONSE_BYTES, this::observe)
                        .rewritingRequests(body -> withoutStreamOptions ? StreamOptions.removed(body) : body))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .build();
    }

    public OpenAiChatSettings settings() {
        return settings;
    }

    /** A question has come: the chat clients are built while its sources are found. */
    @Override
    public void prepare() {
        clients.start();
    }

    /** Whether the clients' build has started (by {@link #prepare} or a first request). */
    boolean clientsStarted() {
        return clients.started();
    }

    @Override
    public String modelId() {
        return settings.model();
    }

    @Override
    public String answer(AnswerPrompt prompt) {
        List<ChatMessage> messages = messages(prompt);
        ChatRequest request = ChatRequest.builder().messages(messages).build();
        ChatModel chat = clients.get().chat();
        return withRetries(() -> {
            try {
                return ThinkingFilter.strip(text(chat.chat(request)));
            } catch (RuntimeException e) {
                throw CallFailure.classify(e, settings.baseUrl(), settings.model(), settings.timeout());
            }
        }, tokens(messages), new AtomicBoolean());
    }

    @Override
    public String stream(AnswerPrompt prompt, Consumer<String> onToken) {
        List<ChatMessage> messages = messages(prompt);
        StringBuilder written = new StringBuilder();
        AtomicBoolean streamed = new AtomicBoolean();
        return withRetries(() -> {
            try {
                return streamOnce(messages, onToken, written, streamed);
            } catch (CallFailure refused) {
                if (withoutStreamOptions || streamed.get() || refused.status() != 400 && refused.status() != 422) {
                    throw refused;
                }
                // Perhaps the field LangChain4j adds: asked once more without it (the first error if that fails too).
                withoutStreamOptions = true;
                try {
                    String answer = streamOnce(messages, onToken, written, streamed);
                    LOG.info("{} refused a stream asking for usage ({}) and streamed without asking: streams ask"
                            + " for none from now on", provider, refused.status());
                    return answer;
                } catch (CallFailure again) {
                    withoutStreamOptions = false;
                    throw refused;
                }
            }
        }, tokens(messages), streamed);
    }

    private String streamOnce(List<ChatMessage> messages, Consumer<String> onToken, StringBuilder written,
                              AtomicBoolean streamed) {
        CompletableFuture<String> done = new CompletableFuture<>();
        ThinkingFilter thinking = new ThinkingFilter();
        clients.get().streaming().chat(messages, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                if (token != null && !token.isEmpty() && !done.isDone()) {
                    synchronized (written) {
                        show(thinking.accept(token));
                    }
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                synchronized (written) {
                    show(thinking.finish());
                }
                done.complete(ThinkingFilter.strip(text(response)));
            }

            /** Text reaching the caller: from then on the answer is not asked again (thinking alone may be). */
            private void show(String text) {
                if (!text.isEmpty()) {
                    streamed.set(true);
                    written.append(text);
                    onToken.accept(text);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        CallFailure failure;
        try {
            return done.get(settings.timeout().plus(STREAM_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            failure = CallFailure.classify(e.getCause(), settings.baseUrl(), settings.model(), settings.timeout());
        } catch (TimeoutException e) {
            failure = CallFailure.classify(e, settings.baseUrl(), settings.model(), settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagException("the answer was interrupted");
        } finally {
            done.cancel(true); // later tokens go nowhere
        }
        synchronized (written) {
            if (streamed.get()) {
                throw new AnswerCutException(written.toString(), failure.timedOut()
                        ? provider + " did not finish the answer within " + CallFailure.seconds(settings.timeout())
                        : failure.getMessage());
            }
        }
        throw failure;
    }

    /** Tries {@code call} until it succeeds, fails for good, or tokens have already reached the caller. */
    private String withRetries(Supplier<String> call, long promptTokens, AtomicBoolean streamed) {
        for (int attempt = 1; ; attempt++) {
            awaitBudget(promptTokens);
            CallFailure failure;
            try {
                return call.get();
            } catch (CallFailure e) {
                failure = e;
            }
            observe(failure.headers());
            Duration wait = failure.headers().retryAfter() != null ? failure.headers().retryAfter()
                    : Duration.ofMillis(500);
            boolean retryable = failure.kind() == CallFailure.Kind.RATE_LIMITED
                    || failure.kind() == CallFailure.Kind.TRANSIENT && !failure.timedOut();
            if (!retryable || attempt == ATTEMPTS || streamed.get() || wait.compareTo(MAX_RETRY_WAIT) > 0) {
                throw new RagException(failure.getMessage());
            }
            LOG.info("{}; retrying in {} ms", failure.getMessage(), wait.toMillis());
            LockSupport.parkNanos(wait.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                throw new RagException("the answer was interrupted");
            }
        }
    }

    /** Waits for the server's budget when that is short; else says when to ask again. */
    private void awaitBudget(long promptTokens) {
        Duration wait = gate.waitFor(promptTokens, System.nanoTime());
        if (wait.isZero()) {
            return;
        }
        if (wait.compareTo(MAX_RETRY_WAIT) > 0) {
            throw new RagException(provider + " rate limit reached; try again in " + (wait.toSeconds() + 1) + " s");
        }
        LockSupport.parkNanos(wait.toNanos());
    }

    private void observe(java.util.Map<String, List<String>> headers) {
        observe(RateLimitHeaders.parse(headers));
    }

    private void observe(RateLimitHeaders headers) {
        gate.observe(headers, System.nanoTime());
    }

    /** The prompt's tokens as a rate limiter estimates them: a quarter of its characters. */
    private static long tokens(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += message.toString().length();
        }
        return chars / 4;
    }

    private static List<ChatMessage> messages(AnswerPrompt prompt) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!prompt.system().isBlank()) {
            messages.add(SystemMessage.from(prompt.system()));
        }
        for (Turn turn : prompt.history()) {
            messages.add(UserMessage.from(turn.question()));
            messages.add(AiMessage.from(turn.answer()));
        }
        messages.add(UserMessage.from(prompt.user()));
        return messages;
    }

    private static String text(ChatResponse response) {
        String text = response == null || response.aiMessage() == null ? null : response.aiMessage().text();
        return text == null ? "" : text;
    }

    @Override
    public String toString() {
        return "OpenAiAnswerModel[" + settings + "]";
    }

    /**
     * What the chat API's headers say about its budget (Groq sends the same x-ratelimit-* headers as
     * OpenAI): when no request may start, and how many tokens are left until when.
     */
    static final class ChatGate {
        private long notBefore;
        private long remainingTokens = -1;
        private long tokensFullAt;
        private boolean known;

        synchronized void observe(RateLimitHeaders headers, long now) {
            if (headers.retryAfter() != null) {
                later(now + headers.retryAfter().toNanos(), now);
            }
            if (headers.remainingRequests() == 0 && headers.resetRequests() != null) {
                later(now + headers.resetRequests().toNanos(), now);
            }
            if (headers.remainingTokens() >= 0) {
                remainingTokens = headers.remainingTokens();
                tokensFullAt = now + (headers.resetTokens() == null ? 0 : headers.resetTokens().toNanos());
            }
        }

        synchronized Duration waitFor(long tokens, long now) {
            long until = known ? notBefore : now;
            if (remainingTokens >= 0 && remainingTokens < tokens && tokensFullAt - until > 0) {
                until = tokensFullAt;
            }
            return until - now > 0 ? Duration.ofNanos(until - now) : Duration.ZERO;
        }

        private void later(long at, long now) {
            if (!known || at - notBefore > 0) {
                notBefore = at;
                known = true;
            }
        }
    }
}

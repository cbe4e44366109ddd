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
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Answers through an OpenAI-compatible chat completions API (OpenAI, Groq, or any compatible
 * server), plain or streamed token by token. A user is waiting, so a 429, 5xx or timeout is tried
 * at most {@value #ATTEMPTS} times with short waits; a stream is retried only before its first token.
 */
public final class OpenAiAnswerModel implements AnswerModel {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiAnswerModel.class);
    private static final int ATTEMPTS = 3;
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final OpenAiChatSettings settings;
    private final String provider;
    private final ChatModel chat;
    private final StreamingChatModel streaming;

    public OpenAiAnswerModel(OpenAiChatSettings settings) {
        this.settings = settings;
        this.provider = Endpoint.provider(settings.baseUrl());
        this.chat = OpenAiChatModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(headers -> { }))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .maxRetries(0)
                .build();
        this.streaming = OpenAiStreamingChatModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(headers -> { }))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .build();
    }

    public OpenAiChatSettings settings() {
        return settings;
    }

    @Override
    public String modelId() {
        return settings.model();
    }

    @Override
    public String answer(AnswerPrompt prompt) {
        ChatRequest request = ChatRequest.builder().messages(messages(prompt)).build();
        return withRetries(() -> {
            try {
                return text(chat.chat(request));
            } catch (RuntimeException e) {
                throw CallFailure.classify(e, provider, settings.model(), settings.timeout());
            }
        }, new AtomicBoolean());
    }

    @Override
    public String stream(AnswerPrompt prompt, Consumer<String> onToken) {
        List<ChatMessage> messages = messages(prompt);
        AtomicBoolean streamed = new AtomicBoolean();
        return withRetries(() -> streamOnce(messages, onToken, streamed), streamed);
    }

    private String streamOnce(List<ChatMessage> messages, Consumer<String> onToken, AtomicBoolean streamed) {
        CompletableFuture<String> done = new CompletableFuture<>();
        streaming.chat(messages, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                if (token != null && !token.isEmpty() && !done.isDone()) {
                    streamed.set(true);
                    onToken.accept(token);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(text(response));
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return done.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw CallFailure.classify(e.getCause(), provider, settings.model(), settings.timeout());
        } catch (TimeoutException e) {
            done.cancel(true);
            throw CallFailure.classify(e, provider, settings.model(), settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagException("the answer was interrupted");
        }
    }

    /** Tries {@code call} until it succeeds, fails for good, or tokens have already reached the caller. */
    private String withRetries(Supplier<String> call, AtomicBoolean streamed) {
        for (int attempt = 1; ; attempt++) {
            CallFailure failure;
            try {
                return call.get();
            } catch (CallFailure e) {
                failure = e;
            }
            boolean retryable = failure.kind() == CallFailure.Kind.RATE_LIMITED
                    || failure.kind() == CallFailure.Kind.TRANSIENT;
            if (!retryable || attempt == ATTEMPTS || streamed.get()) {
                throw new RagException(failure.getMessage());
            }
            Duration wait = Backoff.before(attempt, failure, MAX_WAIT);
            LOG.info("{}; retrying in {} ms", failure.getMessage(), wait.toMillis());
            LockSupport.parkNanos(wait.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                throw new RagException("the answer was interrupted");
            }
        }
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
}

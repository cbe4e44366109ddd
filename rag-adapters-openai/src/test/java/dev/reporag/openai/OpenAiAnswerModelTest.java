package dev.reporag.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import dev.reporag.openai.FakeOpenAiServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The answer model against the fake server's chat completions, plain and streamed. */
class OpenAiAnswerModelTest {
    private static final AnswerPrompt PROMPT = new AnswerPrompt("Answer from the sources.",
            List.of(new Turn("What is this?", "A parser.")), "Where is the parser? [1] Parser.java:1-20");

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiAnswerModel model() {
        return new OpenAiAnswerModel(OpenAiChatSettings.openAi(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl())
                .withTimeout(Duration.ofSeconds(5)));
    }

    @Test
    void answersWithTheSystemPromptHistoryAndQuestionInOrder() {
        String answer = model().answer(PROMPT);

        assertThat(answer).isEqualTo("The parser lives in Parser.java [1].");
        JsonNode request = server.chatRequests().get(0);
        assertThat(request.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode messages = request.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("What is this?");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).path("content").asText()).contains("Where is the parser?");
    }

    @Test
    void streamsTokensAsTheyComeAndReturnsTheWholeAnswer() {
        server.chatReply = q -> "one two three four five";
        List<String> tokens = new ArrayList<>();

        String answer = model().stream(PROMPT, tokens::add);

        assertThat(answer).isEqualTo("one two three four five");
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(String.join("", tokens)).isEqualTo(answer);
        assertThat(server.chatRequests().get(0).path("stream").asBoolean()).isTrue();
    }

    @Test
    void retriesAServerErrorBeforeAnswering() {
        server.failNext(Fault.SERVER_ERROR);

        assertThat(model().answer(PROMPT)).isNotBlank();
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void retriesAStreamThatFailedBeforeItsFirstToken() {
        server.failNext(Fault.OVERLOADED);
        List<String> tokens = new ArrayList<>();

        String answer = model().stream(PROMPT, tokens::add);

        assertThat(String.join("", tokens)).isEqualTo(answer).isNotBlank();
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void aRejectedKeyFailsAtOnceWithoutTheKey() {
        String key = "gsk_WRONGwrongWRONG0987654321";
        OpenAiAnswerModel model = new OpenAiAnswerModel(OpenAiChatSettings.groq(key).withBaseUrl(server.baseUrl()));

        assertThatThrownBy(() -> model.answer(PROMPT)).isInstanceOf(RagException.class)
                .hasMessageContaining("API key was rejected (401)").hasMessageNotContaining("4321");
        assertThatThrownBy(() -> model.stream(PROMPT, t -> { })).isInstanceOf(RagException.class)
                .hasMessageContaining("(401)").hasMessageNotContaining("4321");
        assertThat(server.authorizations()).hasSize(2);
    }

    @Test
    void aGroqKeySelectsGroqWithItsDefaultModel() {
        OpenAiChatSettings settings = OpenAiChatSettings.select("sk-openai", null, "gsk_groq", null).orElseThrow();

        assertThat(settings.isGroq()).isTrue();
        assertThat(settings.baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
        assertThat(settings.model()).isEqualTo(OpenAiChatSettings.DEFAULT_GROQ_MODEL);
        assertThat(settings.apiKey()).isEqualTo("gsk_groq");
        assertThat(settings.toString()).doesNotContain("gsk_groq");
    }

    @Test
    void withoutAGroqKeyOpenAiOrItsConfiguredBaseUrlIsUsed() {
        assertThat(OpenAiChatSettings.select("sk-a", null, " ", null).orElseThrow())
                .satisfies(s -> {
                    assertThat(s.baseUrl()).isEqualTo("https://api.openai.com/v1");
                    assertThat(s.model()).isEqualTo("gpt-4o-mini");
                    assertThat(s.isGroq()).isFalse();
                });
        assertThat(OpenAiChatSettings.select("sk-a", "http://localhost:11434/v1/", null, "llama3").orElseThrow())
                .satisfies(s -> {
                    assertThat(s.baseUrl()).isEqualTo("http://localhost:11434/v1");
                    assertThat(s.model()).isEqualTo("llama3");
                });
        assertThat(OpenAiChatSettings.select(null, null, null, "x")).isEmpty();
    }

    @Test
    void aGroqModelIsSentWithTheGroqKey() {
        // Groq's settings pointed at the fake, as a proxy would.
        OpenAiChatSettings groq = OpenAiChatSettings.select(null, null, FakeOpenAiServer.KEY, null).orElseThrow()
                .withBaseUrl(server.baseUrl());

        new OpenAiAnswerModel(groq).answer(PROMPT);

        assertThat(server.chatRequests().get(0).path("model").asText()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(server.authorizations()).containsExactly("Bearer " + FakeOpenAiServer.KEY);
    }
}

package dev.reporag.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.contract.AnswerModelContract;
import dev.reporag.core.port.AnswerModel;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/** The OpenAI-compatible answer model passes the core's contract against the local fake server. */
class OpenAiAnswerModelContractTest extends AnswerModelContract {
    private static final String WRONG_KEY = "sk-WRONGwrongWRONG0987654321";

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Override
    protected AnswerModel answering(String reply) {
        server.chatReply = question -> reply;
        return new OpenAiAnswerModel(OpenAiChatSettings.openAi(FakeOpenAiServer.KEY).withBaseUrl(server.baseUrl()));
    }

    @Override
    protected List<List<String>> received() {
        List<List<String>> calls = new ArrayList<>();
        for (JsonNode request : server.chatRequests()) {
            List<String> texts = new ArrayList<>();
            request.path("messages").forEach(message -> texts.add(message.path("content").asText()));
            calls.add(texts);
        }
        return calls;
    }

    @Override
    protected AnswerModel failing() {
        return new OpenAiAnswerModel(OpenAiChatSettings.openAi(WRONG_KEY).withBaseUrl(server.baseUrl()));
    }

    @Override
    protected String credential() {
        return WRONG_KEY;
    }
}

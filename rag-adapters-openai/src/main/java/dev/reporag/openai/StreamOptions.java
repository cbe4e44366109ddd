package dev.reporag.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/** A chat request's {@code stream_options}, which some OpenAI-compatible servers refuse. */
final class StreamOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamOptions() {
    }

    /** The request without {@code stream_options}; the body as it was when it has none or is no JSON object. */
    static String removed(String body) {
        if (body == null || !body.contains("\"stream_options\"")) {
            return body;
        }
        try {
            JsonNode request = JSON.readTree(body);
            if (request instanceof ObjectNode object && object.remove("stream_options") != null) {
                return JSON.writeValueAsString(object);
            }
        } catch (IOException e) {
            // not JSON: sent as it is
        }
        return body;
    }
}

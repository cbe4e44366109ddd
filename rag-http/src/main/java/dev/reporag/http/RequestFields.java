package dev.reporag.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.policy.TextRules;
import io.javalin.http.Context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads JSON request bodies field by field, so a wrong body gets a message naming the field. */
final class RequestFields {
    private final ObjectMapper mapper;

    RequestFields(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    JsonNode object(Context ctx) {
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(ctx.bodyAsBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("the request body is not valid UTF-8");
        }
        if (body.isBlank()) {
            throw new InvalidInputException("the request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("the request body must be a JSON object");
        }
        return node;
    }

    /**
     * A field holding a list of globs, or one string of comma-separated globs (a comma inside
     * {@code {a,b}} is its glob's); null when absent or JSON null.
     */
    static java.util.List<String> globs(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return dev.reporag.core.RepoRag.globList(text(body, field, false));
        }
        if (!value.isArray()) {
            throw new InvalidInputException("'" + field + "' must be a list of strings");
        }
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new InvalidInputException("'" + field + "' must be a list of strings");
            }
            String problem = TextRules.controlProblem(item.asText(), false);
            if (problem != null) {
                throw new InvalidInputException("'" + field + "' " + problem);
            }
            texts.add(item.asText());
        }
        return texts;
    }

    /** A string field; null when absent or JSON null (and {@code required} is false). */
    static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidInputException("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("'" + field + "' must be a string");
        }
        String text = value.asText();
        String problem = TextRules.controlProblem(text, true); // checked again, per field, by the core
        if (problem != null) {
            throw new InvalidInputException("'" + field + "' " + problem);
        }
        return text;
    }
}

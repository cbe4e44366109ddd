package dev.reporag.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.BitSet;

/**
 * Which input each vector of an embeddings response belongs to. The API gives every item of
 * {@code data} its {@code index} and promises no order; LangChain4j drops the index and keeps the
 * order of the list, so a server listing them otherwise would give chunks each other's vectors.
 */
final class ResponseOrder {
    private static final JsonFactory JSON = new JsonFactory();

    private ResponseOrder() {
    }

    /**
     * For each item of the body's {@code data}, in the order listed, the input it is for: their
     * indexes, or 0, 1, 2… when the body gives none (a server that leaves them out lists in order).
     *
     * @throws IllegalArgumentException when the indexes are not each input once
     */
    static int[] inputs(String body, int count) {
        int[] inputs = new int[count];
        for (int i = 0; i < count; i++) {
            inputs[i] = i;
        }
        if (body == null) {
            return inputs;
        }
        int listed = 0;
        boolean indexed = false;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return inputs;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"data".equals(field) || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken token = parser.nextToken();
                        if ("index".equals(name) && token == JsonToken.VALUE_NUMBER_INT && listed < count) {
                            inputs[listed] = parser.getIntValue();
                            indexed = true;
                        } else {
                            parser.skipChildren();
                        }
                    }
                    listed++;
                }
            }
        } catch (IOException e) {
            return inputs; // LangChain4j read it; what it could not read it has said
        }
        if (indexed) {
            BitSet seen = new BitSet(count);
            for (int input : inputs) {
                if (input < 0 || input >= count || seen.get(input)) {
                    throw new IllegalArgumentException("vector indexes are not 0 to " + (count - 1) + " once each");
                }
                seen.set(input);
            }
        }
        return inputs;
    }
}

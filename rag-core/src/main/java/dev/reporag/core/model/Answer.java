package dev.reporag.core.model;

import java.util.List;
import java.util.Objects;

/**
 * An answer with its sources.
 *
 * @param extractive true when no chat model was configured and the answer is the best chunks themselves
 */
public record Answer(String text, List<Citation> citations, boolean extractive, String conversationId) {
    public Answer {
        Objects.requireNonNull(text, "text");
        citations = List.copyOf(citations);
    }
}

package dev.reporag.core.model;

import java.util.Objects;

/** One exchange of a conversation. */
public record Turn(String question, String answer) {
    public Turn {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }
}

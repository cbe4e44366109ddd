package dev.reporag.core.port;

import dev.reporag.core.model.Turn;

import java.util.List;
import java.util.Objects;

/** What an answer model is asked: instructions, earlier turns, and the question with its sources. */
public record AnswerPrompt(String system, List<Turn> history, String user) {
    public AnswerPrompt {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(user, "user");
        history = List.copyOf(history);
    }
}

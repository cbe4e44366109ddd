package dev.reporag.core.port;

import java.util.function.Consumer;

/** A chat model that writes answers from a prompt. */
public interface AnswerModel {
    String modelId();

    /** @throws RagException with a message a user can act on */
    String answer(AnswerPrompt prompt);

    /** Streams the answer's tokens as they come, then returns the whole answer. */
    default String stream(AnswerPrompt prompt, Consumer<String> onToken) {
        String answer = answer(prompt);
        onToken.accept(answer);
        return answer;
    }

    /** As {@link Embedder#prepare}: a question has come, an answer will be asked for soon. */
    default void prepare() {
    }
}

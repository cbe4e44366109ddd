package dev.reporag.core.contract;

import dev.reporag.core.model.Turn;
import dev.reporag.core.port.AnswerCutException;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link AnswerModel} must do, plain and streamed, answering and failing. */
public abstract class AnswerModelContract {
    protected static final AnswerPrompt PROMPT = new AnswerPrompt("Answer only from the numbered sources.",
            List.of(new Turn("What is this project?", "A parser library [1].")),
            "Where are tokens read?\n\n[1] src/Lexer.java:1-40\nclass Lexer { Token next() { … } }");
    protected static final String REPLY = "Tokens are read by `Lexer.next` [1].\nSee also: naïve → 日本語 🚀.";

    /** A model whose provider answers every prompt with {@code reply}. */
    protected abstract AnswerModel answering(String reply);

    /**
     * The message texts the provider received, one list per call so far, in order: instructions,
     * each earlier turn's question and answer, then the question with its sources.
     */
    protected abstract List<List<String>> received();

    /** A model whose provider refuses every call (its credential is wrong, or it is down). */
    protected abstract AnswerModel failing();

    /** The credential {@link #failing()} holds, which no error may show; empty when it holds none. */
    protected String credential() {
        return "";
    }

    @Test
    void namesItsModel() {
        assertThat(answering(REPLY).modelId()).isNotBlank();
    }

    @Test
    void answersWithWhatTheProviderWrote() {
        assertThat(answering(REPLY).answer(PROMPT)).isEqualTo(REPLY);
    }

    @Test
    void theProviderSeesInstructionsHistoryAndQuestionInOrder() {
        answering(REPLY).answer(PROMPT);

        assertThat(received()).isNotEmpty();
        assertThat(received().get(received().size() - 1)).containsExactly(PROMPT.system(),
                PROMPT.history().get(0).question(), PROMPT.history().get(0).answer(), PROMPT.user());
    }

    @Test
    void aStreamDeliversTokensThatAddUpToTheAnswerItReturns() {
        List<String> tokens = new ArrayList<>();

        String answer = answering(REPLY).stream(PROMPT, tokens::add);

        assertThat(answer).isEqualTo(REPLY);
        assertThat(tokens).isNotEmpty();
        assertThat(String.join("", tokens)).isEqualTo(REPLY);
    }

    @Test
    void aFailureIsAnActionableRagExceptionThatShowsNoCredential() {
        AnswerModel model = failing();
        List<String> tokens = new ArrayList<>();

        assertThatThrownBy(() -> model.answer(PROMPT)).isInstanceOf(RagException.class)
                .satisfies(e -> assertActionable(e.getMessage()));
        assertThatThrownBy(() -> model.stream(PROMPT, tokens::add)).isInstanceOf(RagException.class)
                .isNotInstanceOf(AnswerCutException.class) // nothing was written, so nothing was cut
                .satisfies(e -> assertActionable(e.getMessage()));
        assertThat(tokens).isEmpty();
    }

    private void assertActionable(String message) {
        assertThat(message).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        if (!credential().isEmpty()) {
            assertThat(message).doesNotContain(credential())
                    .doesNotContain(credential().substring(credential().length() - 4));
        }
    }
}

package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThinkingFilterTest {
    private static final String ANSWER = "The parser lives in Parser.java [1].";

    @Test
    void aThinkingBlockOpeningTheAnswerIsDropped() {
        assertThat(ThinkingFilter.strip("<think>\nThe user asks where.\n</think>\n\n" + ANSWER)).isEqualTo(ANSWER);
        assertThat(ThinkingFilter.strip("  <thinking>hmm</thinking>" + ANSWER)).isEqualTo(ANSWER);
        assertThat(ThinkingFilter.strip("<think></think>" + ANSWER)).isEqualTo(ANSWER);
    }

    @Test
    void textWithoutALeadingBlockIsLeftAsItIs() {
        assertThat(ThinkingFilter.strip(ANSWER)).isEqualTo(ANSWER);
        assertThat(ThinkingFilter.strip("Use <think> in the prompt.")).isEqualTo("Use <think> in the prompt.");
        assertThat(ThinkingFilter.strip("\n<b>bold</b>")).isEqualTo("\n<b>bold</b>");
        assertThat(ThinkingFilter.strip("<thi")).isEqualTo("<thi");
        assertThat(ThinkingFilter.strip("")).isEmpty();
    }

    @Test
    void anAnswerThatNeverLeavesItsThinkingIsEmpty() {
        assertThat(ThinkingFilter.strip("<think>still thinking when the stream ended")).isEmpty();
    }

    /** Every way of cutting the answer into tokens gives the same text, held back no longer than needed. */
    @Test
    void tagsSplitAcrossTokensAreFound() {
        String raw = "<think>The user asks where. </think>\n\n" + ANSWER;
        for (int size = 1; size <= raw.length(); size++) {
            ThinkingFilter filter = new ThinkingFilter();
            StringBuilder shown = new StringBuilder();
            for (int at = 0; at < raw.length(); at += size) {
                shown.append(filter.accept(raw.substring(at, Math.min(raw.length(), at + size))));
            }
            shown.append(filter.finish());
            assertThat(shown.toString()).as("tokens of %d characters", size).isEqualTo(ANSWER);
        }
        ThinkingFilter filter = new ThinkingFilter();
        assertThat(List.of(filter.accept("Plain"), filter.accept(" text"))).containsExactly("Plain", " text");
    }
}

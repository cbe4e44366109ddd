package dev.reporag.core.embed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RecentAnswersTest {
    private static final long MILLI = 1_000_000;

    @Test
    void beforeAnyAnswerTheMeanIsZero() {
        RecentAnswers answers = new RecentAnswers();

        assertThat(answers.meanSeconds()).isZero();
        assertThat(answers.total()).isZero();
        assertThat(answers.counted()).isZero();
    }

    @Test
    void untilTheWindowIsFullTheMeanIsOfEveryAnswer() {
        RecentAnswers answers = new RecentAnswers();
        answers.add(100 * MILLI);
        answers.add(300 * MILLI);

        assertThat(answers.meanSeconds()).isCloseTo(0.2, within(1e-9));
        assertThat(answers.counted()).isEqualTo(2);
    }

    @Test
    void aServerThatBecameSlowerSetsTheMeanOnceAWindowOfAnswersSaidSo() {
        RecentAnswers answers = new RecentAnswers();
        for (int i = 0; i < 3 * RecentAnswers.WINDOW; i++) {
            answers.add(100 * MILLI);
        }
        for (int i = 0; i < RecentAnswers.WINDOW - 10; i++) {
            answers.add(1_000 * MILLI);
        }
        // 10 fast answers are still in the window: (10 x 0.1 + 40 x 1.0) / 50
        assertThat(answers.meanSeconds()).isCloseTo((10 * 0.1 + (RecentAnswers.WINDOW - 10) * 1.0)
                / RecentAnswers.WINDOW, within(1e-9));

        for (int i = 0; i < 10; i++) {
            answers.add(1_000 * MILLI);
        }

        assertThat(answers.meanSeconds()).isCloseTo(1.0, within(1e-9));
        assertThat(answers.total()).isEqualTo(4L * RecentAnswers.WINDOW);
        assertThat(answers.counted()).isEqualTo(RecentAnswers.WINDOW);
    }
}

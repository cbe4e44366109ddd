package dev.reporag.core.embed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RecentAnswersTest {
    private static final long MILLI = 1_000_000;

    @Test
    void beforeAnyAnswerTheMeanIsZero() {
        RecentAnswers answers = new RecentAnswers();

        assertThat(answers.mean().seconds()).isZero();
        assertThat(answers.mean().total()).isZero();
        assertThat(answers.mean().counted()).isZero();
    }

    @Test
    void untilTheWindowIsFullTheMeanIsOfEveryAnswer() {
        RecentAnswers answers = new RecentAnswers();
        answers.add(100 * MILLI, true);
        answers.add(300 * MILLI, false);

        assertThat(answers.mean().seconds()).isCloseTo(0.2, within(1e-9));
        assertThat(answers.mean().counted()).isEqualTo(2);
    }

    @Test
    void aServerThatBecameSlowerSetsTheMeanOnceAWindowOfAnswersSaidSo() {
        RecentAnswers answers = new RecentAnswers();
        for (int i = 0; i < 3 * RecentAnswers.WINDOW; i++) {
            answers.add(100 * MILLI, true);
        }
        for (int i = 0; i < RecentAnswers.WINDOW - 10; i++) {
            answers.add(1_000 * MILLI, true);
        }
        // 10 fast answers are still in the window: (10 x 0.1 + 40 x 1.0) / 50
        assertThat(answers.mean().seconds()).isCloseTo((10 * 0.1 + (RecentAnswers.WINDOW - 10) * 1.0)
                / RecentAnswers.WINDOW, within(1e-9));

        for (int i = 0; i < 10; i++) {
            answers.add(1_000 * MILLI, true);
        }

        assertThat(answers.mean().seconds()).isCloseTo(1.0, within(1e-9));
        assertThat(answers.mean().total()).isEqualTo(4L * RecentAnswers.WINDOW);
        assertThat(answers.mean().counted()).isEqualTo(RecentAnswers.WINDOW);
    }

    @Test
    void onceEnoughWereSentIntoAFullPipelineOnlyTheyCount() {
        RecentAnswers answers = new RecentAnswers();
        // A job's first requests, sent into an idle pipeline, wait behind fewer others.
        answers.add(100 * MILLI, false);
        answers.add(200 * MILLI, false);
        answers.add(300 * MILLI, false);
        for (int i = 0; i < RecentAnswers.MIN_FULL - 1; i++) {
            answers.add(400 * MILLI, true);
        }
        assertThat(answers.mean().counted()).as("too few from a full pipeline yet: every answer")
                .isEqualTo(3 + RecentAnswers.MIN_FULL - 1);
        assertThat(answers.mean().seconds()).isLessThan(0.4);

        answers.add(400 * MILLI, true);
        answers.add(100 * MILLI, false);

        assertThat(answers.mean().seconds()).isCloseTo(0.4, within(1e-9));
        assertThat(answers.mean().counted()).isEqualTo(RecentAnswers.MIN_FULL);
        assertThat(answers.mean().total()).isEqualTo(3 + RecentAnswers.MIN_FULL + 1);
    }
}

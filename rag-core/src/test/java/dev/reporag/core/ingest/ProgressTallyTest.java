package dev.reporag.core.ingest;

import dev.reporag.core.model.Progress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTallyTest {
    @Test
    void thePercentageFollowsTheBytesStoredAndStaysBelowAHundredUntilComplete() {
        ProgressTally tally = new ProgressTally(0);
        tally.toRead(300);
        tally.toRead(100);
        tally.unchanged();
        tally.skippedUnread();
        tally.chunk(true);
        tally.chunk(false);
        tally.chunk(false);
        tally.filesRead(1);
        tally.stored(2, 1, 300);

        Progress progress = tally.progress();
        assertThat(progress.percent()).isEqualTo(74); // 300 of 400 bytes, on a scale to 99
        assertThat(progress.filesTotal()).isEqualTo(3);
        assertThat(progress.filesDone()).isEqualTo(2);
        assertThat(progress.filesSkipped()).isEqualTo(1);
        assertThat(progress.chunksDone()).isEqualTo(3);
        assertThat(tally.chunksEmbedded()).isEqualTo(1);
        assertThat(tally.chunksReused()).isEqualTo(1);

        tally.stored(0, 0, 100);
        assertThat(tally.progress().percent()).isEqualTo(99);
        assertThat(tally.complete(7).chunksDone()).isEqualTo(7);
    }

    @Test
    void aFileLeftOutOnReadLeavesTheTotalAndAResumedJobNeverGoesBack() {
        ProgressTally tally = new ProgressTally(40);
        tally.toRead(10);
        tally.toRead(10);
        tally.skippedOnRead();

        Progress progress = tally.progress();
        assertThat(progress.filesTotal()).isEqualTo(1);
        assertThat(progress.filesSkipped()).isEqualTo(1);
        assertThat(progress.percent()).as("the floor of the job's earlier run").isEqualTo(40);
    }
}

package dev.reporag.scale;

import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.RagSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress is honest from the start: the file total is known (from the tree's sizes) before the
 * first chunk is embedded, the percentage only moves forward and in many small steps, and the CLI
 * shows an ETA. Real Git repository, embedded store; the CLI runs as a child JVM like a user's.
 */
class HonestProgressTest {
    private static final Pattern LINE = Pattern.compile(
            "^\\[[0-9.]+s\\] [^:]+: (\\d+)% \\((\\d+)/(\\d+) files, .*chunks/s(, ETA \\d+:\\d\\d)?\\)$");

    @TempDir
    Path tmp;

    @Test
    void theTotalIsKnownBeforeEmbeddingAndThePercentageMovesSteadily() throws Exception {
        Path repo = tmp.resolve("repo");
        ScaleFixtures.commit(repo, ScaleFixtures.files(300, 3), "initial");
        RagSettings settings = RagSettings.builder()
                .batch(new BatchPolicy(4, BatchPolicy.DEFAULT_MAX_TOKENS, Duration.ZERO, 1))
                .progressInterval(Duration.ZERO)
                .build();
        try (ScaleFixtures.Stack stack = new ScaleFixtures.Stack(tmp.resolve("a"), settings)) {
            Project project = stack.rag.register("demo", repo.toString(), null);
            List<Progress> seen = new CopyOnWriteArrayList<>();
            IngestionJob done = stack.ingest(project.id(), new Cancellation(), new IngestionListener() {
                @Override
                public void onProgress(IngestionJob job, Progress progress) {
                    seen.add(progress);
                }
            });

            assertThat(done.status()).isEqualTo(JobStatus.READY);
            assertThat(done.progress().percent()).isEqualTo(100);
            Progress first = seen.get(0);
            assertThat(first.chunksEmbedded()).isZero();
            assertThat(first.filesTotal()).isEqualTo(done.progress().filesTotal()).isEqualTo(301);
            assertThat(seen).allSatisfy(p -> assertThat(p.filesTotal()).isEqualTo(301));
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).percent()).isGreaterThanOrEqualTo(seen.get(i - 1).percent());
                assertThat(seen.get(i).filesDone()).isGreaterThanOrEqualTo(seen.get(i - 1).filesDone());
            }
            // Steady: a save after every batch of 4 chunks (of ~300), so no jump of more than a few points.
            int biggestStep = 0;
            for (int i = 1; i < seen.size(); i++) {
                biggestStep = Math.max(biggestStep, seen.get(i).percent() - seen.get(i - 1).percent());
            }
            assertThat(biggestStep).isLessThanOrEqualTo(3);
            assertThat(seen.stream().map(Progress::percent).distinct().count()).isGreaterThan(40);
        }
    }

    @Test
    void theCliPrintsATotalFromTheFirstLineAndAnEta() throws Exception {
        Path repo = tmp.resolve("repo");
        ScaleFixtures.commit(repo, ScaleFixtures.files(60, 1), "initial");
        ChildJvm.Result run = ChildJvm.run(tmp, "ingest", List.of("-Xmx256m"),
                Map.of("RAG_HOME", tmp.resolve("home").toString(), "RAG_EMBEDDER", "hashing",
                        "XDG_CONFIG_HOME", tmp.resolve("xdg").toString()),
                "dev.reporag.cli.Main", "ingest", repo.toString(), "--batch-size", "2", "--delay", "0.1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("is READY: 61 files");
        List<int[]> lines = new ArrayList<>();
        int withEta = 0;
        for (String line : run.err().split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                lines.add(new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3))});
                withEta += m.group(4) != null ? 1 : 0;
            }
        }
        assertThat(lines).as(run.err()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines).allSatisfy(l -> assertThat(l[1]).isEqualTo(61));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i)[0]).isGreaterThan(lines.get(i - 1)[0]);
        }
        assertThat(withEta).as(run.err()).isPositive();
    }
}

package dev.reporag.core.eval;

import dev.reporag.core.port.CommitInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryLabelsTest {
    private static CommitInfo commit(String id, String subject, Set<String> added, Set<String> modified,
                                     Set<String> deleted, String... parents) {
        return new CommitInfo(id, List.of(parents), subject, Instant.EPOCH, added, modified, deleted);
    }

    private static CommitInfo change(String id, String subject, String... modified) {
        return commit(id, subject, Set.of(), Set.of(modified), Set.of(), "p" + id);
    }

    @Test
    void aDescriptiveCommitOfOneToThreeSourceFilesIsAskedOfItsParentsTree() {
        List<EvalQuestion> questions = HistoryLabels.questions(List.of(
                change("c1", "feat(router): Allow wildcard routes in sub-routers (#123)",
                        "router/mux.go", "router/tree.go", "router/mux_test.go", "README.md")), p -> true, 10);

        assertThat(questions).singleElement().satisfies(q -> {
            assertThat(q.text()).isEqualTo("Allow wildcard routes in sub-routers");
            assertThat(q.kind()).isEqualTo(EvalQuestion.HISTORY);
            assertThat(q.expected()).containsExactlyInAnyOrder("router/mux.go", "router/tree.go");
            assertThat(q.commit()).isEqualTo("pc1");
            assertThat(q.origin()).isEqualTo("c1");
            assertThat(q.hidden()).isNull();
        });
    }

    @Test
    void housekeepingSubjectsAreNotQuestions() {
        for (String subject : List.of("Merge pull request #12 from a/b", "Bump jackson from 2.1 to 2.2",
                "Release 4.2.0", "Prepare next development iteration", "Format code with spotless",
                "chore: update build scripts for CI", "docs: explain the cache in the handler",
                "Revert \"Add a cache\"", "Fix typo in the parser", "Fix #123", "Cleanup", "[skip ci] Fix")) {
            assertThat(HistoryLabels.question(subject)).as(subject).isNull();
        }
        assertThat(HistoryLabels.question("[core] fix: Handle empty headers when parsing responses."))
                .isEqualTo("Handle empty headers when parsing responses");
    }

    @Test
    void commitsThatTouchTooManyOrNoSourceFilesOrAddOrRemoveOneAreLeftOut() {
        List<CommitInfo> history = List.of(
                change("c1", "Refactor the whole request pipeline", "a/A.java", "a/B.java", "a/C.java", "a/D.java"),
                change("c2", "Improve the tests of the parser", "src/test/java/ParserTest.java", "tests/x.py"),
                change("c3", "Describe the options in the readme", "README.md", "docs/options.md"),
                commit("c4", "Split the parser into a lexer and a parser", Set.of("src/Lexer.java"),
                        Set.of("src/Parser.java"), Set.of(), "pc4"),
                commit("c5", "Merge the feature branch into main", Set.of(), Set.of(), Set.of(), "a", "b"),
                commit("c6", "Parse headers in a streaming way", Set.of(), Set.of("src/Headers.java"), Set.of()),
                change("c7", "Change the build so it runs on Java 21", "build.gradle", "setup.py"),
                change("c8", "Keep headers sorted when printing them", "src/Headers.java"));

        assertThat(HistoryLabels.questions(history, p -> true, 10)).extracting(EvalQuestion::origin)
                .containsExactly("c8");
        // A file the filter would not index makes no question either.
        assertThat(HistoryLabels.questions(history, p -> !p.equals("src/Headers.java"), 10)).isEmpty();
    }

    @Test
    void newestFirstEachSubjectOnceAtMostMax() {
        List<CommitInfo> history = List.of(
                change("c1", "Retry requests that time out", "src/Retry.py"),
                change("c2", "Retry requests that time out", "src/Other.py"),
                change("c3", "Log the url of every failed request", "src/Log.py"),
                change("c4", "Close idle connections after a minute", "src/Pool.py"));

        assertThat(HistoryLabels.questions(history, p -> true, 2)).extracting(EvalQuestion::origin)
                .containsExactly("c1", "c3");
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.port.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A project's own file rules: a code base's manual kept ({@code --include docs/**}), examples left
 * out; given again, they replace the project's and its next index applies them to unchanged files.
 */
class ProjectPathRulesTest {
    private static final String REPO = "mem://web-framework";
    private final InMemoryRag app = new InMemoryRag(FileFilter.defaults());
    private final InMemoryRepositorySource source = app.source;
    private final InMemoryJobRepository jobs = app.jobs;
    private final RepoRag rag = app.rag();

    @AfterEach
    void close() {
        app.close();
    }

    /** Code, a small manual under docs/ (a code base's: it stays out by default), and examples. */
    private static Map<String, String> codeBase() {
        Map<String, String> files = new TreeMap<>();
        for (int i = 1; i <= 6; i++) {
            files.put("src/app/module" + i + ".py", ("def handler_" + i + "(request):\n    return request.args\n\n")
                    .repeat(40));
        }
        files.put("docs/sessions.md", "# Sessions\n\nSet SECRET_KEY to sign the session cookie.\n");
        files.put("docs/api.rst", "API\n===\n\nThe request object.\n");
        files.put("docs/.env", "TOKEN=abc\n");
        files.put("examples/tutorial/app.py", "def index():\n    return 'hello'\n");
        return files;
    }

    @Test
    void aProjectsIncludeKeepsItsManualAndItsExcludeLeavesOutItsExamples() {
        source.commit(REPO, codeBase());
        RepoRag.Registration registration = rag.registerOrFind(null, REPO, null, List.of("docs/**"),
                List.of("examples/**"));
        assertThat(registration.created()).isTrue();
        Project project = registration.project();
        assertThat(jobs.project(project.id()).orElseThrow().paths())
                .isEqualTo(new PathRules(List.of("docs/**"), List.of("examples/**")));

        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);

        assertThat(app.indexed(project, "docs/sessions.md")).isTrue();
        assertThat(app.indexed(project, "docs/api.rst")).isTrue();
        assertThat(app.indexed(project, "src/app/module1.py")).isTrue();
        assertThat(app.indexed(project, "examples/tutorial/app.py")).isFalse();
        // An include never brings back a secret.
        assertThat(app.indexed(project, "docs/.env")).isFalse();
        assertThat(rag.skippedFiles(project.id()).page(java.util.Optional.of(SkipReason.SECRET), 0, 10))
                .extracting(e -> e.path()).containsExactly("docs/.env");
    }

    @Test
    void rulesGivenAgainReplaceTheProjectsAndTheNextIndexAppliesThemToUnchangedFiles() {
        source.commit(REPO, codeBase());
        Project project = rag.registerOrFind(null, REPO, null).project();
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/sessions.md")).isFalse();
        assertThat(app.indexed(project, "examples/tutorial/app.py")).isTrue();

        // Found again without rules: the project keeps its own (none), nothing changes.
        RepoRag.Registration same = rag.registerOrFind(null, REPO, null, null, null);
        assertThat(same.pathsChanged()).isFalse();

        RepoRag.Registration changed = rag.registerOrFind(null, REPO, null, List.of("docs/**"), null);
        assertThat(changed.created()).isFalse();
        assertThat(changed.pathsChanged()).isTrue();
        assertThat(changed.project().id()).isEqualTo(project.id());
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        // No commit since the last index: the changed rules alone list every file again.
        assertThat(app.indexed(project, "docs/sessions.md")).isTrue();
        assertThat(app.indexed(project, "examples/tutorial/app.py")).isTrue();

        // An exclude given alone keeps the include, and takes out what it names.
        rag.registerOrFind(null, REPO, null, null, List.of("examples/**"));
        assertThat(jobs.project(project.id()).orElseThrow().paths())
                .isEqualTo(new PathRules(List.of("docs/**"), List.of("examples/**")));
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "examples/tutorial/app.py")).isFalse();
        assertThat(app.indexed(project, "docs/sessions.md")).isTrue();

        // An empty list clears: the manual goes out again.
        rag.registerOrFind(null, REPO, null, List.of(), null);
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/sessions.md")).isFalse();
    }

    /** Rules changed while a job runs under the old ones: one more job is queued, and applies them. */
    @Test
    void rulesChangedWhileAJobRunsAreAppliedByTheJobThatFollowsIt() {
        source.commit(REPO, codeBase());
        Project project = rag.registerOrFind(null, REPO, null).project();
        IngestionJob job = rag.requestIngestion(project.id());
        IngestionJob done = rag.process(job.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onCommit(IngestionJob running, String commit) {
                rag.registerOrFind(null, REPO, null, List.of("docs/**"), null); // as a request would, meanwhile
            }
        }).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/sessions.md")).as("the job kept the rules it started with").isFalse();
        IngestionJob next = jobs.latestJob(project.id()).orElseThrow();
        assertThat(next.id()).isNotEqualTo(done.id());
        assertThat(next.status()).isEqualTo(JobStatus.PENDING);
        assertThat(rag.process(next.id(), "w", new Cancellation(), IngestionListener.NONE).orElseThrow().status())
                .isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/sessions.md")).isTrue();

        // Rules unchanged during a job: nothing follows it.
        IngestionJob again = app.ingest(project);
        assertThat(jobs.latestJob(project.id()).orElseThrow().id()).isEqualTo(again.id());
    }

    @Test
    void theEstimateCountsWhatTheRulesWouldIndex() {
        source.commit(REPO, codeBase());
        int without = rag.estimate(REPO, null, false).filesKept();
        var estimate = rag.estimate(REPO, null, List.of("docs/**"), List.of("examples/**"), false);
        assertThat(estimate.filesKept()).isEqualTo(without + 2 - 1);
        assertThat(estimate.notes()).contains("the project's own rules also index docs/**",
                "the project's own rules leave out examples/**");
        assertThat(rag.estimate(REPO, null, false).notes()).noneMatch(n -> n.contains("own rules"));

        // A registered project's estimate is under its own rules.
        Project project = rag.registerOrFind(null, REPO, null, List.of("docs/**"), null).project();
        assertThat(rag.estimate(project.id(), false).filesKept()).isEqualTo(without + 2);
        assertThat(rag.estimate(REPO, null, false).filesKept()).isEqualTo(without + 2);
    }

    @Test
    void aGlobThatCannotBeReadIsRefusedAndNothingIsRegistered() {
        source.commit(REPO, codeBase());
        assertThatThrownBy(() -> rag.registerOrFind(null, REPO, null, List.of("docs/{a,b"), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unbalanced braces");
        assertThatThrownBy(() -> rag.registerOrFind(null, REPO, null, null, List.of("a\u0000b")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> rag.registerOrFind(null, REPO, null,
                java.util.stream.IntStream.range(0, 51).mapToObj(i -> "dir" + i + "/**").toList(), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 50");
        assertThat(jobs.projects()).isEmpty();
    }
}

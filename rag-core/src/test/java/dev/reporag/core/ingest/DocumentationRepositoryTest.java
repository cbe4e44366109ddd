package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.policy.FileFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository that is mostly documentation (a book, a tutorial, a docs site's sources) has its
 * documentation indexed: the default excludes would leave it nearly empty. When it turns into a
 * code base (or back), unchanged files come in or go out.
 */
class DocumentationRepositoryTest {
    private static final String REPO = "mem://book";
    private final InMemoryRag app = new InMemoryRag(FileFilter.defaults());
    private final InMemoryRepositorySource source = app.source;
    private final RepoRag rag = app.rag();

    @AfterEach
    void close() {
        app.close();
    }

    private static String prose(String topic, int paragraphs) {
        return ("Chapter on " + topic + ". Promises settle once; async functions return them.\n\n").repeat(paragraphs);
    }

    /** Nine chapters of about 6 KB beside 1 KB of site code. */
    private static Map<String, String> book() {
        Map<String, String> files = new TreeMap<>();
        for (int i = 1; i <= 9; i++) {
            files.put("docs/chapter-" + i + ".md", prose("topic " + i, 80));
        }
        files.put("docs/cover.png", "not really an image, but excluded as one\n");
        files.put("docs/reference.rst", prose("reference", 10));
        // 120 KB of unwrapped paragraphs: over the 50 KB of other files, and of hand-written prose.
        files.put("docs/appendix.md", ("An appendix paragraph on iterators, written on one line. ".repeat(60) + "\n\n")
                .repeat(35));
        files.put("LICENSE", "Creative Commons\n");
        files.put("README.md", "# The book\n");
        files.put("js/site.js", "export function render(page) { return page.title; }\n".repeat(20));
        return files;
    }

    @Test
    void aBookHasItsDocumentationIndexedButNotItsImagesOrLicence() {
        source.commit(REPO, book());
        Project project = rag.register("book", REPO, null);

        IngestionJob done = app.ingest(project);

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/chapter-1.md")).isTrue();
        assertThat(app.indexed(project, "docs/reference.rst")).isTrue();
        assertThat(app.indexed(project, "docs/appendix.md")).as("over 50 KB, with long lines, and written").isTrue();
        assertThat(app.indexed(project, "js/site.js")).isTrue();
        assertThat(app.indexed(project, "docs/cover.png")).isFalse();
        assertThat(app.indexed(project, "LICENSE")).isFalse();
        assertThat(rag.estimate(project.id(), false).filesKept()).isEqualTo(13);
        assertThat(rag.estimate(project.id(), false).notes()).contains(
                "mostly documentation: its docs/, doc/, *.rst and *.adoc files are indexed, as code would be");
    }

    @Test
    void aCodeBaseWithAManualKeepsItsManualOut() {
        Map<String, String> files = book();
        // 60 KB of code beside 55 KB of documentation: a code base with a manual.
        for (int i = 0; i < 30; i++) {
            files.put("src/module" + i + ".js", ("export function f" + i + "(x) { return x * " + i + "; }\n").repeat(40));
        }
        source.commit(REPO, files);
        Project project = rag.register("book", REPO, null);

        app.ingest(project);

        assertThat(app.indexed(project, "docs/chapter-1.md")).isFalse();
        assertThat(app.indexed(project, "docs/appendix.md")).isFalse();
        assertThat(app.indexed(project, "src/module1.js")).isTrue();
        assertThat(rag.skippedFiles(project.id()).counts()).containsEntry(SkipReason.EXCLUDED_PATH, 13);
        assertThat(rag.estimate(project.id(), false).notes()).noneMatch(note -> note.startsWith("mostly documentation"));
    }

    @Test
    void unchangedChaptersGoOutWhenTheBookBecomesACodeBaseAndComeBackAfter() {
        source.commit(REPO, book());
        Project project = rag.register("book", REPO, null);
        app.ingest(project);
        assertThat(app.indexed(project, "docs/chapter-2.md")).isTrue();

        Map<String, String> withCode = book();
        for (int i = 0; i < 30; i++) {
            withCode.put("src/module" + i + ".js", ("export function f" + i + "(x) { return x * " + i + "; }\n").repeat(40));
        }
        source.commit(REPO, withCode);
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/chapter-2.md")).as("unchanged, and now left out").isFalse();
        assertThat(app.indexed(project, "src/module3.js")).isTrue();

        source.commit(REPO, book());
        assertThat(app.ingest(project).status()).isEqualTo(JobStatus.READY);
        assertThat(app.indexed(project, "docs/chapter-2.md")).as("unchanged, and back").isTrue();
        assertThat(app.indexed(project, "src/module3.js")).isFalse();
    }

    @Test
    void aChangeThatKeepsTheDocumentationRuleReadsOnlyWhatChanged() {
        source.commit(REPO, book());
        Project project = rag.register("book", REPO, null);
        app.ingest(project);
        Map<String, String> edited = book();
        edited.put("docs/chapter-4.md", prose("topic four, revised", 80));
        source.commit(REPO, edited);
        int readsBefore = source.reads();

        app.ingest(project);

        // The one chapter changed, and nothing else: no rules file is in the repository.
        assertThat(source.reads() - readsBefore).isEqualTo(1);
        assertThat(app.indexed(project, "docs/chapter-5.md")).isTrue();
    }
}

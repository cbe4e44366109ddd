package dev.reporag.core.ingest;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A repository's own rules: .gitattributes marks leave generated and vendored files out, its ignore
 * files for AI tools leave files out unread, and changing either re-lists.
 */
class RepositoryRulesIngestionTest {
    private static final String REPO = "mem://marked";
    private final InMemoryRepositorySource source = new InMemoryRepositorySource();
    private final HashingEmbedder embedder = new HashingEmbedder();
    private final InMemoryVectorStore store = new InMemoryVectorStore(embedder.dimension());
    private RepoRag rag = rag(FileFilter.defaults());

    private RepoRag rag(FileFilter filter) {
        return RepoRag.builder().source(source).embedder(embedder).vectorStore(store).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository())
                .settings(RagSettings.builder().fileFilter(filter).build()).build();
    }

    @AfterEach
    void close() {
        rag.close();
    }

    private static Map<String, String> files(String rootAttributes) {
        Map<String, String> files = new TreeMap<>();
        files.put(".gitattributes", rootAttributes);
        files.put("src/main.c", "int main(void) { return run(); }\n");
        files.put("src/parser.c", "/* A Bison parser, made by GNU Bison 3.8.2. */\nint yyparse(void) { return 0; }\n");
        files.put("contrib/lib.c", "int vendored(void) { return 1; }\n");
        files.put("web/.gitattributes", "*.pb.js linguist-generated\nkeep.pb.js -linguist-generated\n");
        files.put("web/api.pb.js", "export const generated = 1;\n");
        files.put("web/keep.pb.js", "export const handWritten = 2;\n");
        return files;
    }

    /** Restarts with an include glob, as RAG_INCLUDE gives one. */
    private void includeAlso(String glob) {
        rag.close();
        rag = rag(FileFilter.withExtraExcludes(FileFilter.DEFAULT_MAX_FILE_BYTES, List.of(), List.of(glob)));
    }

    private IngestionJob ingest(Project project, List<SkippedFile> skipped) {
        IngestionJob job = rag.requestIngestion(project.id());
        return rag.process(job.id(), "w", new Cancellation(), new IngestionListener() {
            @Override
            public void onSkipped(IngestionJob j, SkippedFile file) {
                skipped.add(file);
            }
        }).orElseThrow();
    }

    private boolean indexed(Project project, String path) {
        return !store.chunkKeys(project.id(), List.of(path)).isEmpty();
    }

    @Test
    void markedFilesAreLeftOutWithTheirReason() {
        source.commit(REPO, files("src/parser.c linguist-generated=true\ncontrib/** linguist-vendored\n"
                + "*.ipynb linguist-documentation\n"));
        Project project = rag.register("marked", REPO, null);
        List<SkippedFile> skipped = new ArrayList<>();

        IngestionJob done = ingest(project, skipped);

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(skipped).filteredOn(s -> s.reason() == SkipReason.GITATTRIBUTES)
                .extracting(SkippedFile::path, SkippedFile::detail).containsExactlyInAnyOrder(
                        tuple("src/parser.c", "marked linguist-generated in .gitattributes"),
                        tuple("web/api.pb.js", "marked linguist-generated in .gitattributes"));
        assertThat(indexed(project, "src/main.c")).isTrue();
        assertThat(indexed(project, "web/keep.pb.js")).isTrue();
        // Vendored and documentation marks shape GitHub's language statistics; they are not read.
        assertThat(indexed(project, "contrib/lib.c")).isTrue();
        assertThat(indexed(project, "src/parser.c")).isFalse();
        assertThat(rag.estimate(project.id(), false).skippedByReason()).containsEntry(SkipReason.GITATTRIBUTES, 2);
    }

    @Test
    void changingTheMarksAloneReListsTheFilesTheyName() {
        source.commit(REPO, files("src/parser.c linguist-generated=true\n"));
        Project project = rag.register("marked", REPO, null);
        ingest(project, new ArrayList<>());
        assertThat(indexed(project, "src/parser.c")).isFalse();
        assertThat(indexed(project, "src/main.c")).isTrue();

        // Only .gitattributes changes: parser.c, unchanged, comes in; main.c, unchanged, goes out.
        source.commit(REPO, files("src/main.c linguist-generated\n"));
        IngestionJob done = ingest(project, new ArrayList<>());

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(indexed(project, "src/parser.c")).isTrue();
        assertThat(indexed(project, "src/main.c")).isFalse();
    }

    @Test
    void filesAnAiIgnoreFileNamesAreNeverReadWhateverTheIncludeGlobs() {
        includeAlso("private/**");
        Map<String, String> files = files("");
        files.put(".aiexclude", "private/\n");
        files.put("private/customers.py", "CUSTOMERS = ['ACME Corp']\n");
        files.put("web/.cursorignore", "*.pb.js\n");
        source.commit(REPO, files);
        Project project = rag.register("marked", REPO, null);
        List<SkippedFile> skipped = new ArrayList<>();
        int readsBefore = source.reads();

        ingest(project, skipped);

        assertThat(skipped).filteredOn(s -> s.reason() == SkipReason.AI_IGNORED)
                .extracting(SkippedFile::path, SkippedFile::detail).containsExactlyInAnyOrder(
                        tuple("private/customers.py", "named in .aiexclude; never read"),
                        tuple("web/api.pb.js", "named in web/.cursorignore; never read"),
                        tuple("web/keep.pb.js", "named in web/.cursorignore; never read"));
        assertThat(indexed(project, "private/customers.py")).isFalse();
        // Read: the four rules files, then the six files indexed (src/main.c, src/parser.c, contrib/lib.c,
        // web/.gitattributes, .aiexclude, web/.cursorignore; the root .gitattributes is empty); never
        // the three left out.
        assertThat(source.reads() - readsBefore).isEqualTo(4 + 6);
    }

    @Test
    void aRepositoryOfManyLargeRulesFilesIsReadOnlyUpToTheBound() {
        // A hostile repository: 40 ignore files of 100 KB each, 4 MB in all, after a real one.
        Map<String, String> files = files("src/parser.c linguist-generated\n");
        String filler = "# filler\n".repeat(100 * 1024 / 9);
        for (int i = 0; i < 40; i++) {
            files.put("zz/d" + i + "/.aiignore", filler + "*.c\n");
        }
        files.put("zz/d39/notes.py", "CUSTOMER = 'not for models'\n");
        source.commit(REPO, files);
        Project project = rag.register("marked", REPO, null);
        int readsBefore = source.reads();

        IngestionJob done = ingest(project, new ArrayList<>());

        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(indexed(project, "src/parser.c")).isFalse(); // the root's mark, read first, applies
        // An ignore file not read: what it names is unknown, so nothing beside it is read (fails closed).
        assertThat(indexed(project, "zz/d39/notes.py")).isFalse();
        // 256 KB holds the two .gitattributes and two of the forty ignore files: the rules walk read 4
        // files, not 42; then the job read the 5 it indexed (the root and web .gitattributes, main.c,
        // lib.c, keep.pb.js; the 100 KB ignore files are over the size limit, and never read again).
        assertThat(source.reads() - readsBefore).isEqualTo(4 + 5);
    }

    @Test
    void aCommittedVirtualEnvironmentAndNotebookCheckpointsAreLeftOut() {
        Map<String, String> files = files("");
        files.put("venv/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.4\n");
        files.put("venv/bin/activate", "# This file must be used with \"source bin/activate\"\n");
        files.put("venv/lib/python3.11/site-packages/requests/api.py", "def get(url):\n    return request(url)\n");
        // An older virtualenv, without the marker: its site-packages are left out by name.
        files.put("env2/lib/python2.7/site-packages/six.py", "PY2 = True\n");
        files.put("env2/bin/activate", "# an old virtualenv\n");
        files.put("notebooks/.ipynb_checkpoints/churn-checkpoint.ipynb", "{}\n");
        // Python's own venv module is code, not an environment: no pyvenv.cfg beside it.
        files.put("Lib/venv/__init__.py", "def create(env_dir):\n    pass\n");
        source.commit(REPO, files);
        Project project = rag.register("marked", REPO, null);
        List<SkippedFile> skipped = new ArrayList<>();

        ingest(project, skipped);

        assertThat(skipped).filteredOn(s -> s.reason() == SkipReason.EXCLUDED_PATH).extracting(SkippedFile::path)
                .contains("venv/pyvenv.cfg", "venv/bin/activate", "venv/lib/python3.11/site-packages/requests/api.py",
                        "env2/lib/python2.7/site-packages/six.py", "notebooks/.ipynb_checkpoints/churn-checkpoint.ipynb");
        assertThat(skipped).filteredOn(s -> s.path().equals("venv/bin/activate")).extracting(SkippedFile::detail)
                .containsExactly("in venv/, a Python virtual environment (it holds pyvenv.cfg)");
        assertThat(indexed(project, "Lib/venv/__init__.py")).isTrue();
        assertThat(indexed(project, "env2/bin/activate")).isTrue();
        assertThat(indexed(project, "src/main.c")).isTrue();
    }

    @Test
    void anIncludeGlobKeepsAMarkedFile() {
        includeAlso("src/parser.c");
        source.commit(REPO, files("src/parser.c linguist-generated=true\n"));
        Project project = rag.register("marked", REPO, null);

        ingest(project, new ArrayList<>());

        assertThat(indexed(project, "src/parser.c")).isTrue();
        assertThat(indexed(project, "web/api.pb.js")).isFalse();
    }
}

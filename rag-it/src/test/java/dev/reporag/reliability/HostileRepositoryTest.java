package dev.reporag.reliability;

import dev.reporag.pgvector.TestSchema;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository built to hurt: symlinks out of the tree, huge files, binaries that pass for text,
 * invalid UTF-8, 10,000 files in one directory, very deep paths, names with newlines, unicode and
 * shell metacharacters, a submodule, an LFS pointer, and secrets (.env, keys, key-shaped strings in
 * ordinary code). `rag ingest` ends READY on both stores; each file gets its designed outcome; no
 * stored chunk holds a secret (secret files are never read; secrets inside code are redacted).
 */
class HostileRepositoryTest {
    private static final String OUTSIDE_MARKER = "OUTSIDE-THE-TREE-6f1c2a";
    private static final String OPENAI_KEY = "sk-proj-Abc123Def456Ghi789Jkl012Mno345";
    private static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLQ";
    private static final String GITHUB_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    private static final String STRIPE_KEY = "sk_live_51HabcdefghijklmnopqrstUV";
    private static final String DB_PASSWORD = "hunter2-correct-horse";
    private static final String PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEA7bq98hostileprivatekeybody";
    private static final String ENV_VALUE = "env-file-value-9d8e7f";
    /** Every value that must never be stored, in any chunk. */
    private static final List<String> SECRETS = List.of(OUTSIDE_MARKER, OPENAI_KEY, AWS_KEY, GITHUB_TOKEN, STRIPE_KEY,
            DB_PASSWORD, PRIVATE_KEY_BODY, ENV_VALUE);

    private static final String NEWLINE_NAME = "src/new\nline.py";
    private static final String UNICODE_NAME = "src/ünïcödé-名前-🦀.py";
    private static final String SHELL_NAME = "src/$(touch pwned);`id`|&;<>'\"*?.py";
    private static final String DASH_NAME = "src/-rf --no-preserve-root.py";
    private static final String DEEP_NAME = "deep/" + "level/".repeat(120) + "bottom.py";

    private static final String AI_EXCLUDED_MARKER = "customer-list-not-for-models";
    private static final String NOTEBOOK = """
            {
             "cells": [
              {
               "cell_type": "code",
               "execution_count": 1,
               "metadata": {},
               "outputs": [
                {
                 "data": {"image/png": "%s"},
                 "output_type": "display_data"
                }
               ],
               "source": [
                "def train(frame):\\n",
                "    return model.fit(frame)"
               ]
              }
             ],
             "nbformat": 4,
             "nbformat_minor": 5
            }
            """.formatted("iVBORw0KGgo".repeat(10_000));

    @TempDir
    static Path tmp;
    static Path repo;
    static TestSchema db;

    @BeforeAll
    static void hostileRepository() throws Exception {
        Path outside = tmp.resolve("outside-secret.txt");
        Files.writeString(outside, "the target of a symlink: " + OUTSIDE_MARKER + "\n");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("src/Main.java", GitRepos.utf8("class Main {\n  public static void main(String[] a) {}\n}\n"));
        files.put(NEWLINE_NAME, GitRepos.utf8("def newline_name():\n    return 1\n"));
        files.put(UNICODE_NAME, GitRepos.utf8("def unicode_name():\n    return 'ünïcödé 名前'\n"));
        files.put(SHELL_NAME, GitRepos.utf8("def shell_name():\n    return 2\n"));
        files.put(DASH_NAME, GitRepos.utf8("def dash_name():\n    return 3\n"));
        files.put(DEEP_NAME, GitRepos.utf8("def deep():\n    return 4\n"));
        files.put("src/huge.py", GitRepos.utf8("x = 1\n".repeat(4 * 1024 * 1024))); // 24 MB
        byte[] sneaky = new byte[9000 + 20];
        java.util.Arrays.fill(sneaky, (byte) 'a');
        for (int i = 80; i < 9000; i += 81) {
            sneaky[i] = '\n';
        }
        sneaky[9005] = 0; // past the first 8,000 bytes a NUL sniff looks at
        files.put("src/looks_like_text.py", sneaky);
        byte[] latin1 = "def caf\u00e9():\n    return 'na\u00efve'\n".getBytes(StandardCharsets.ISO_8859_1);
        files.put("src/latin1.py", latin1);
        // Not hostile, but as public repositories have them: the repository's own generated marks, and
        // a notebook that is mostly a plot.
        // The last line, against the 120-directory path above, ran without end as a regular expression.
        files.put(".gitattributes", GitRepos.utf8("* text=auto\nsrc/parser.c linguist-generated=true\n"
                + "**/".repeat(12) + "zz linguist-generated\n"));
        files.put("src/parser.c", GitRepos.utf8("/* A Bison parser, made by GNU Bison 3.8.2. */\nint yyparse(void);\n"));
        files.put("notebooks/churn.ipynb", GitRepos.utf8(NOTEBOOK));
        files.put(".aiexclude", GitRepos.utf8("private/\n"));
        files.put("private/customers.py", GitRepos.utf8("CUSTOMERS = ['" + AI_EXCLUDED_MARKER + "']\n"));
        files.put("model/weights.py", GitRepos.utf8("version https://git-lfs.github.com/spec/v1\noid sha256:"
                + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"));
        // Secrets: whole files never read, and key-shaped strings inside ordinary code.
        files.put(".env", GitRepos.utf8("SESSION=" + ENV_VALUE + "\nOPENAI_API_KEY=" + OPENAI_KEY + "\n"));
        files.put("config/production.env", GitRepos.utf8("TOKEN=" + ENV_VALUE + "\n"));
        files.put("deploy/id_rsa", GitRepos.utf8(privateKey()));
        files.put("deploy/server.pem", GitRepos.utf8(privateKey()));
        files.put("src/Settings.java", GitRepos.utf8("class Settings {\n"
                + "    static final String OPENAI = \"" + OPENAI_KEY + "\";\n"
                + "    static final String AWS = \"" + AWS_KEY + "\";\n"
                + "    String github = \"" + GITHUB_TOKEN + "\";\n"
                + "    String stripe = \"" + STRIPE_KEY + "\";\n"
                + "    String url = \"postgres://app:" + DB_PASSWORD + "@db.internal/app\";\n"
                + "    String password = \"" + DB_PASSWORD + "\";\n"
                + "    int usefulCode() { return 42; }\n}\n"));
        files.put("scripts/embedded_key.py", GitRepos.utf8("KEY = '''\n" + privateKey() + "'''\n\ndef sign():\n"
                + "    return KEY\n"));
        for (int i = 0; i < 10_000; i++) {
            files.put(String.format("many/m%05d.py", i), GitRepos.utf8("def f" + i + "():\n    return " + i + "\n"));
        }
        files.put(".gitmodules", GitRepos.utf8("[submodule \"vendor/evil\"]\n\tpath = vendor/evil\n"
                + "\turl = https://169.254.169.254/latest/meta-data.git\n"));
        repo = tmp.resolve("hostile.git");
        write(repo, files, Map.of("src/link-out", outside.toString(), "src/link-up", "../../../../etc/passwd"),
                List.of("vendor/evil"));
        db = new TestSchema("hostile");
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    private static String privateKey() {
        return "-----BEGIN RSA PRIVATE KEY-----\n" + PRIVATE_KEY_BODY + "\nAAAABBBBCCCCDDDD\n"
                + "-----END RSA PRIVATE KEY-----\n";
    }

    @Test
    void theEmbeddedStoreIndexesWhatItShouldAndNoSecret() throws Exception {
        Path home = tmp.resolve("embedded");
        String output = ingest(Map.of("RAG_HOME", home.toString()), "embedded");
        check(StoredChunks.embedded(home), output);
    }

    @Test
    void postgresIndexesWhatItShouldAndNoSecret() throws Exception {
        String output = ingest(Map.of("RAG_HOME", tmp.resolve("pg").toString(), "DATABASE_URL", db.databaseUrl()), "pg");
        check(StoredChunks.postgres(db), output);
    }

    private String ingest(Map<String, String> store, String name) throws Exception {
        Map<String, String> env = new HashMap<>(store);
        env.put("RAG_EMBEDDER", "hashing");
        env.put("RAG_BATCH_SIZE", "250");
        Path log = tmp.resolve(name + ".log");
        int exit = Child.run(log, 180, env, "ingest", repo.toString(), "--name", "hostile");
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("hostile is READY").doesNotContain("Exception");
        return output;
    }

    private static void check(List<StoredChunks.Stored> chunks, String output) {
        for (StoredChunks.Stored chunk : chunks) {
            for (String secret : SECRETS) {
                assertThat(chunk.text()).as("chunk of %s", chunk.path()).doesNotContain(secret);
            }
            assertThat(chunk.text()).as("chunk of %s", chunk.path()).doesNotContain("\u0000");
        }
        Map<String, Long> byPath = chunks.stream()
                .collect(Collectors.groupingBy(StoredChunks.Stored::path, TreeMap::new, Collectors.counting()));
        Set<String> paths = byPath.keySet();
        // Indexed, under their exact names.
        assertThat(paths).contains("src/Main.java", NEWLINE_NAME, UNICODE_NAME, SHELL_NAME, DASH_NAME, DEEP_NAME,
                "src/Settings.java", "scripts/embedded_key.py", "src/latin1.py");
        assertThat(paths.stream().filter(p -> p.startsWith("many/")).count()).isEqualTo(10_000);
        // Never indexed: links, the submodule, secrets, the huge file, binary, LFS.
        assertThat(paths).doesNotContain("src/link-out", "src/link-up", "vendor/evil", ".env", "config/production.env",
                "deploy/id_rsa", "deploy/server.pem", "src/huge.py", "src/looks_like_text.py", "model/weights.py");
        // The marked file is left out, and what .aiexclude names is not even read; the notebook is in by
        // its cells, citing its own lines.
        assertThat(paths).doesNotContain("src/parser.c", "private/customers.py").contains("notebooks/churn.ipynb");
        assertThat(chunks).noneMatch(c -> c.text().contains(AI_EXCLUDED_MARKER));
        List<String> notebookLines = NOTEBOOK.lines().toList();
        for (StoredChunks.Stored chunk : chunks.stream().filter(c -> c.path().equals("notebooks/churn.ipynb")).toList()) {
            assertThat(chunk.text()).doesNotContain("iVBOR");
            assertThat(notebookLines.get(chunk.end() - 1)).contains("return model.fit");
        }
        // Latin-1 text is read as such: its accented letters are letters, not replacement characters.
        assertThat(chunks.stream().filter(c -> c.path().equals("src/latin1.py")).map(StoredChunks.Stored::text)
                .collect(Collectors.joining())).contains("def caf\u00e9():").contains("'na\u00efve'");
        // Secrets inside code are redacted, and the code around them is kept.
        String settings = chunks.stream().filter(c -> c.path().equals("src/Settings.java"))
                .map(StoredChunks.Stored::text).collect(Collectors.joining());
        assertThat(settings).contains("[REDACTED]").contains("int usefulCode() { return 42; }");
        assertThat(output).doesNotContain(OPENAI_KEY).doesNotContain(OUTSIDE_MARKER);
    }

    /** Writes the commit straight into a bare repository: names no file system would like are fine there. */
    private static void write(Path dir, Map<String, byte[]> files, Map<String, String> symlinks, List<String> gitlinks)
            throws Exception {
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Repository repository = git.getRepository();
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            try (ObjectInserter inserter = repository.newObjectInserter()) {
                Map<String, DirCacheEntry> entries = new TreeMap<>();
                files.forEach((path, content) -> entries.put(path, entry(path, FileMode.REGULAR_FILE,
                        insert(inserter, content))));
                symlinks.forEach((path, target) -> entries.put(path, entry(path, FileMode.SYMLINK,
                        insert(inserter, target.getBytes(StandardCharsets.UTF_8)))));
                for (String path : gitlinks) {
                    entries.put(path, entry(path, FileMode.GITLINK,
                            ObjectId.fromString("0123456789abcdef0123456789abcdef01234567")));
                }
                entries.values().forEach(builder::add);
                builder.finish();
                ObjectId tree = index.writeTree(inserter);
                CommitBuilder commit = new CommitBuilder();
                PersonIdent who = new PersonIdent("Test", "test@example.com");
                commit.setAuthor(who);
                commit.setCommitter(who);
                commit.setMessage("hostile");
                commit.setTreeId(tree);
                ObjectId id = inserter.insert(commit);
                inserter.flush();
                RefUpdate update = repository.updateRef(Constants.R_HEADS + "main");
                update.setNewObjectId(id);
                update.forceUpdate();
            }
        }
    }

    private static ObjectId insert(ObjectInserter inserter, byte[] content) {
        try {
            return inserter.insert(Constants.OBJ_BLOB, content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DirCacheEntry entry(String path, FileMode mode, ObjectId id) {
        DirCacheEntry entry = new DirCacheEntry(path.getBytes(StandardCharsets.UTF_8), DirCacheEntry.STAGE_0);
        entry.setFileMode(mode);
        entry.setObjectId(id);
        return entry;
    }
}

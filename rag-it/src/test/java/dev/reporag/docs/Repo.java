package dev.reporag.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository the tests run in: its root, its docs, and the variables its code reads. */
final class Repo {
    /**
     * Variables the docs may name that repo-rag's code does not read itself, and who does.
     * Anything else must be read by Config, Logs or the logging configuration.
     */
    static final Map<String, String> EXTERNAL = Map.of(
            "JAVA_OPTS", "read by ./rag, which passes it to java",
            "RAG_CDS", "read by ./rag: off runs without its class-data archive",
            "JAVA_TOOL_OPTIONS", "read by the JVM itself (used in the Docker image and on Render)",
            "XDG_CONFIG_HOME", "read by JGit for its user configuration",
            "RAG_TEST_DATABASE_URL", "read by the tests that need PostgreSQL, and set by scripts/test.sh",
            "RAG_TEST_POOLER_URL", "read by TransactionPoolerTest (PgBouncer), and set by scripts/test.sh");

    private Repo() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("rag-core")) && Files.exists(dir.resolve("README.md")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repo-rag repository");
        }
        return dir;
    }

    /** README.md and every Markdown file under docs/. */
    static List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>();
        files.add(root().resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every environment variable the code reads, with the file that reads it. */
    static Map<String, String> variablesReadByCode() {
        Map<String, String> found = new TreeMap<>();
        collect(found, "rag-cli/src/main/java/dev/reporag/cli/Config.java",
                Pattern.compile("r\\.(?:text|integer|longInteger|decimal|duration|seconds|positiveSeconds|bool|url|list|globs)\\(\"([A-Z][A-Z0-9_]*)\""));
        collect(found, "rag-cli/src/main/java/dev/reporag/cli/Logs.java",
                Pattern.compile("env\\.get\\(\"([A-Z][A-Z0-9_]*)\"\\)"));
        collect(found, "rag-cli/src/main/resources/logback.xml", Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-"));
        if (found.size() < 30) {
            throw new IllegalStateException("found only " + found + " in the sources: has the configuration moved?");
        }
        return found;
    }

    /** Read by the code: one of {@code known}, or of a family Config reads by prefix (RAG_GIT_TOKEN_&lt;HOST&gt;). */
    static boolean isKnown(Set<String> known, String name) {
        return known.contains(name) || (name.startsWith("RAG_GIT_TOKEN_") && name.length() > "RAG_GIT_TOKEN_".length()
                && read("rag-cli/src/main/java/dev/reporag/cli/Config.java").contains("\"RAG_GIT_TOKEN_\""));
    }

    static Set<String> knownVariables() {
        Set<String> known = new TreeSet<>(variablesReadByCode().keySet());
        known.addAll(EXTERNAL.keySet());
        return known;
    }

    private static void collect(Map<String, String> found, String file, Pattern pattern) {
        Matcher m = pattern.matcher(read(file));
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    found.putIfAbsent(m.group(g), file);
                }
            }
        }
    }
}

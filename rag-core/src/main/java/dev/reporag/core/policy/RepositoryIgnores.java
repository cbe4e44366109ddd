package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files a repository tells AI tools not to read: {@code .aiignore} (JetBrains),
 * {@code .aiexclude} (Gemini Code Assist, Android Studio), {@code .cursorignore} and
 * {@code .cursorindexingignore} (Cursor), {@code .codeiumignore} (Windsurf), and this product's
 * own {@code .ragignore}. Thousands of public repositories have one (Adyen's and Automattic's
 * Android SDKs an {@code .aiexclude}); it is their owner's statement that those files are not to
 * be sent to a model, so a file one names is never read, as a secret is not, whatever the
 * include globs say.
 *
 * <p>{@code .gitignore} rules, at any depth: {@code #} comments, {@code !} re-includes, a
 * trailing {@code /} matches a directory (and so all under it), a pattern with a slash is
 * relative to its file's directory, the last matching line wins, a deeper file's lines come after
 * a shallower one's, and nothing under an ignored directory can be re-included. As Gemini reads
 * it, an empty {@code .aiexclude} leaves out everything beside and below it.
 */
public final class RepositoryIgnores {
    public static final List<String> FILE_NAMES = List.of(".ragignore", ".aiignore", ".aiexclude", ".cursorignore",
            ".cursorindexingignore", ".codeiumignore");
    public static final RepositoryIgnores NONE = new RepositoryIgnores(List.of());

    /** One ignore file: its directory ("" at the root, else "a/b"), its name, and its text. */
    public record File(String directory, String name, String text) {
    }

    private record Rule(Wildmatch pattern, boolean negated, boolean directoryOnly, String file) {
    }

    private final List<Rule> rules;
    /** Each directory's decision, asked once for all the files under it. */
    private final Map<String, Optional<String>> directories = new ConcurrentHashMap<>();

    private RepositoryIgnores(List<Rule> rules) {
        this.rules = rules;
    }

    public static boolean isIgnoreFile(String path) {
        return FILE_NAMES.contains(path.substring(path.lastIndexOf('/') + 1));
    }

    public static RepositoryIgnores parse(List<File> files) {
        List<File> ordered = new ArrayList<>(files);
        ordered.sort(Wildmatch.shallowFirst(File::directory));
        List<Rule> rules = new ArrayList<>();
        for (File file : ordered) {
            String shown = file.directory().isEmpty() ? file.name() : file.directory() + "/" + file.name();
            int before = rules.size();
            for (String line : file.text().split("\r?\n")) {
                rule(file.directory(), line, shown).ifPresent(rules::add);
            }
            if (rules.size() == before && file.name().equals(".aiexclude")) {
                rules.add(new Rule(Wildmatch.inDirectory(file.directory(), "**"), false, false, shown));
            }
        }
        return rules.isEmpty() ? NONE : new RepositoryIgnores(List.copyOf(rules));
    }

    /** The ignore file ("web/.aiexclude") that leaves {@code path} out, if one does. */
    public Optional<String> ignoredBy(String path) {
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            Optional<String> directory = directories.computeIfAbsent(path.substring(0, slash), d -> decision(d, true));
            if (directory.isPresent()) {
                return directory; // nothing under an ignored directory comes back
            }
        }
        return decision(path, false);
    }

    private Optional<String> decision(String path, boolean isDirectory) {
        Rule last = null;
        for (Rule rule : rules) {
            if ((isDirectory || !rule.directoryOnly()) && rule.pattern().matches(path)) {
                last = rule;
            }
        }
        return last == null || last.negated() ? Optional.empty() : Optional.of(last.file());
    }

    private static Optional<Rule> rule(String directory, String raw, String file) {
        String line = raw.strip();
        // Trailing spaces are not part of a pattern unless escaped; leading ones are (rare: stripped).
        if (line.isEmpty() || line.startsWith("#")) {
            return Optional.empty();
        }
        boolean negated = line.startsWith("!");
        String pattern = negated ? line.substring(1) : line;
        if (pattern.startsWith("\\#") || pattern.startsWith("\\!")) {
            pattern = pattern.substring(1);
        }
        boolean directoryOnly = pattern.endsWith("/");
        pattern = directoryOnly ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (pattern.isEmpty() || pattern.equals("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Rule(Wildmatch.inDirectory(directory, pattern), negated, directoryOnly, file));
        } catch (IllegalArgumentException tooLong) {
            return Optional.empty();
        }
    }
}

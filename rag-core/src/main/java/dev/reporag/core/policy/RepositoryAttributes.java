package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a repository says of its own files in its {@code .gitattributes}: the paths it marks
 * {@code linguist-generated}, {@code linguist-vendored} or {@code linguist-documentation}, the
 * attributes GitHub reads to hide generated diffs and leave vendored code out of language
 * statistics (jq marks its Bison and Flex output this way, Kubernetes its generated Go files). A
 * repository knows this better than any name or header rule, so a marked file is left out of the
 * index as the default excludes leave out {@code vendor/} and {@code docs/}.
 *
 * <p>Git's rules: a pattern without a slash matches a name at any depth below its file's
 * directory, one with a slash is relative to that directory; {@code *}, {@code ?}, {@code [...]}
 * and {@code **} as in {@code .gitignore}; a pattern ending in a slash names a directory and so no
 * file; a deeper file overrides a shallower one and a later line an earlier one. {@code -attr},
 * {@code attr=false} and {@code !attr} undo a mark; they do not bring back what the default
 * excludes leave out (an include glob does).
 */
public final class RepositoryAttributes {
    public static final String FILE_NAME = ".gitattributes";
    public static final RepositoryAttributes NONE = new RepositoryAttributes(List.of());
    static final List<String> MARKS = List.of("linguist-generated", "linguist-vendored", "linguist-documentation");

    /** One {@code .gitattributes} file: its directory ("" at the root, else "a/b") and its text. */
    public record File(String directory, String text) {
    }

    /** A line's pattern and what it says of each mark: true, false, or null (undone: unspecified). */
    private record Rule(Wildmatch pattern, String[] marks, boolean[] mentioned) {
    }

    /** Rules in the order they apply: shallower files first, each file's lines in order. */
    private final List<Rule> rules;

    private RepositoryAttributes(List<Rule> rules) {
        this.rules = rules;
    }

    public static boolean isAttributesFile(String path) {
        return path.equals(FILE_NAME) || path.endsWith("/" + FILE_NAME);
    }

    public static RepositoryAttributes parse(List<File> files) {
        List<File> ordered = new ArrayList<>(files);
        ordered.sort(Wildmatch.shallowFirst(File::directory));
        List<Rule> rules = new ArrayList<>();
        for (File file : ordered) {
            for (String line : file.text().split("\r?\n")) {
                rule(file.directory(), line.strip()).ifPresent(rules::add);
            }
        }
        return rules.isEmpty() ? NONE : new RepositoryAttributes(List.copyOf(rules));
    }

    /** The mark that leaves {@code path} out ("linguist-generated", ...), if any. */
    public Optional<String> exclusionMark(String path) {
        String[] state = new String[MARKS.size()];
        for (Rule rule : rules) {
            if (rule.pattern().matches(path)) {
                for (int i = 0; i < state.length; i++) {
                    if (rule.mentioned()[i]) {
                        state[i] = rule.marks()[i];
                    }
                }
            }
        }
        for (int i = 0; i < state.length; i++) {
            if ("true".equals(state[i])) {
                return Optional.of(MARKS.get(i));
            }
        }
        return Optional.empty();
    }

    private static Optional<Rule> rule(String directory, String line) {
        // Comments, macro definitions, negative patterns (which Git forbids here) and quoted
        // patterns (C-style escapes, rare) are not rules this reads.
        if (line.isEmpty() || line.startsWith("#") || line.startsWith("[attr]") || line.startsWith("!")
                || line.startsWith("\"")) {
            return Optional.empty();
        }
        String[] words = line.split("\\s+");
        String[] marks = new String[MARKS.size()];
        boolean[] mentioned = new boolean[MARKS.size()];
        boolean any = false;
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            String value = "true";
            if (word.startsWith("-")) {
                word = word.substring(1);
                value = "false";
            } else if (word.startsWith("!")) {
                word = word.substring(1);
                value = null;
            } else if (word.contains("=")) {
                value = word.substring(word.indexOf('=') + 1).toLowerCase(Locale.ROOT);
                value = value.equals("1") ? "true" : value;
                word = word.substring(0, word.indexOf('='));
            }
            int mark = MARKS.indexOf(word);
            if (mark >= 0) {
                marks[mark] = value;
                mentioned[mark] = true;
                any = true;
            }
        }
        String pattern = words[0];
        if (!any || pattern.endsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Rule(Wildmatch.inDirectory(directory, pattern), marks, mentioned));
        } catch (IllegalArgumentException tooLong) {
            return Optional.empty();
        }
    }
}

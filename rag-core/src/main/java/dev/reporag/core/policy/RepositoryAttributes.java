package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a repository says of its own files in its {@code .gitattributes}: the paths it marks
 * {@code linguist-generated}, the attribute GitHub reads to collapse generated files in diffs (jq
 * marks its Bison and Flex output this way, Kubernetes its {@code zz_generated.*.go}). A
 * repository knows this better than any name or header rule, so a marked file is left out of the
 * index as the default excludes leave out generated code.
 *
 * <p>{@code linguist-vendored} and {@code linguist-documentation} are not read: they are mostly
 * written to shape GitHub's language statistics ({@code *.ipynb linguist-documentation} so that a
 * repository shows as Python, {@code *.html linguist-vendored}), about files that are the
 * repository's own and that its users ask about.
 *
 * <p>Git's rules: a pattern without a slash matches a name at any depth below its file's
 * directory, one with a slash is relative to that directory; {@code *}, {@code ?}, {@code [...]}
 * and {@code **} as in {@code .gitignore}; a pattern ending in a slash names a directory and so no
 * file; a deeper file overrides a shallower one and a later line an earlier one.
 * {@code -linguist-generated}, {@code linguist-generated=false} and {@code !linguist-generated}
 * undo a mark.
 */
public final class RepositoryAttributes {
    public static final String FILE_NAME = ".gitattributes";
    public static final RepositoryAttributes NONE = new RepositoryAttributes(List.of());
    static final String GENERATED = "linguist-generated";

    /** One {@code .gitattributes} file: its directory ("" at the root, else "a/b") and its text. */
    public record File(String directory, String text) {
    }

    /** A line's pattern and whether it marks its files generated (false: it unmarks them). */
    private record Rule(Wildmatch pattern, boolean generated) {
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

    /** The mark that leaves {@code path} out ("linguist-generated"), if any. */
    public Optional<String> exclusionMark(String path) {
        boolean generated = false;
        for (Rule rule : rules) {
            if (rule.pattern().matches(path)) {
                generated = rule.generated();
            }
        }
        return generated ? Optional.of(GENERATED) : Optional.empty();
    }

    private static Optional<Rule> rule(String directory, String line) {
        // Comments, macro definitions, negative patterns (which Git forbids here) and quoted
        // patterns (C-style escapes, rare) are not rules this reads.
        if (line.isEmpty() || line.startsWith("#") || line.startsWith("[attr]") || line.startsWith("!")
                || line.startsWith("\"")) {
            return Optional.empty();
        }
        String[] words = line.split("\\s+");
        Boolean generated = null;
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            if (word.equals(GENERATED)) {
                generated = true;
            } else if (word.equals("-" + GENERATED) || word.equals("!" + GENERATED)) {
                generated = false; // unset or unspecified: not marked either way
            } else if (word.startsWith(GENERATED + "=")) {
                String value = word.substring(GENERATED.length() + 1).toLowerCase(Locale.ROOT);
                generated = value.equals("true") || value.equals("1");
            }
        }
        String pattern = words[0];
        if (generated == null || pattern.endsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Rule(Wildmatch.inDirectory(directory, pattern), generated));
        } catch (IllegalArgumentException tooLong) {
            return Optional.empty();
        }
    }
}

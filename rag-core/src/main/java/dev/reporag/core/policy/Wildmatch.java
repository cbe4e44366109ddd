package dev.reporag.core.policy;

import java.util.Comparator;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Git's wildmatch patterns ({@code .gitignore}, {@code .gitattributes}) as regular expressions. */
final class Wildmatch {
    private Wildmatch() {
    }

    /** A wildmatch pattern as Git reads it, as a regular expression over a '/'-separated path. */
    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*' && segmentStart
                    && (i + 2 == glob.length() || glob.charAt(i + 2) == '/')) {
                if (i + 2 == glob.length()) {
                    regex.append(".*"); // "a/**": everything inside
                } else {
                    regex.append("(?:.*/)?"); // "**/": any directories, none included
                    i += 2;
                    continue;
                }
                i += 1;
            } else if (c == '*') {
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++; // other runs of asterisks are one
                }
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    regex.append("\\[");
                    continue;
                }
                String set = glob.substring(i + 1, end);
                boolean negated = set.startsWith("!") || set.startsWith("^");
                set = negated ? set.substring(1) : set;
                regex.append(negated ? "[^/" : "[").append(set.replace("\\", "\\\\").replace("[", "\\["))
                        .append(']');
                i = end;
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** Rules files in the order their lines apply: a deeper directory's after a shallower one's. */
    static <T> Comparator<T> shallowFirst(Function<T, String> directory) {
        return Comparator.comparingLong((T file) -> {
            String d = directory.apply(file);
            return d.isEmpty() ? 0 : d.chars().filter(c -> c == '/').count() + 1;
        }).thenComparing(directory);
    }

    /**
     * The expression of a pattern of a rules file in {@code directory} ("" or "a/b"): a pattern
     * with a slash before its end is relative to that directory, one without matches a name at any
     * depth below it.
     */
    static String inDirectory(String directory, String pattern) {
        boolean anchored = pattern.substring(0, Math.max(0, pattern.length() - 1)).contains("/");
        String relative = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        return (directory.isEmpty() ? "" : Pattern.quote(directory + "/")) + (anchored ? "" : "(?:.*/)?")
                + toRegex(relative);
    }
}

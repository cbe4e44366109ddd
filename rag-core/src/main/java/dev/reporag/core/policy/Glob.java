package dev.reporag.core.policy;

import java.util.regex.Pattern;

/**
 * A path glob: {@code *} within one segment, {@code **} across segments, {@code ?} one character,
 * {@code {a,b}} alternatives. A pattern without '/' matches a file or directory name at any depth
 * ("*.key", "node_modules"); a pattern with '/' is anchored at the repository root, except that a
 * pattern ending in "/**" also matches that directory at any depth ("docs/**") — but not as a
 * package inside a JVM source tree ({@code src/main/java/com/acme/docs/}), where the name is a
 * package of code, not a folder of documentation or build output.
 */
final class Glob {
    /** A directory of a path that opens a JVM source tree, whose subdirectories are packages. */
    static final String SOURCE_ROOT = "src/[^/]+/(?:java|kotlin|scala|groovy)/";
    /** Whole leading directories, none of which opens a source tree. */
    private static final String OUTSIDE_SOURCE_TREES = "(?:(?!" + SOURCE_ROOT + ")[^/]+/)*";

    private final Pattern pattern;

    Glob(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("empty path pattern");
        }
        String g = glob.strip();
        if (g.startsWith("/")) {
            g = g.substring(1);
        }
        String regex;
        if (!g.contains("/")) {
            regex = "(?:.*/)?" + toRegex(g) + "(?:/.*)?";
        } else if (g.endsWith("/**") && !g.substring(0, g.length() - 3).contains("/")) {
            regex = OUTSIDE_SOURCE_TREES + toRegex(g);
        } else {
            regex = toRegex(g);
        }
        this.pattern = Pattern.compile(regex, Pattern.DOTALL);
    }

    boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                        regex.append(slash ? "(?:.*/)?" : ".*");
                        i += slash ? 2 : 1;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '{' -> {
                    braces++;
                    regex.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        regex.append(')');
                    } else {
                        regex.append("\\}");
                    }
                }
                case ',' -> regex.append(braces > 0 ? "|" : ",");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces != 0) {
            throw new IllegalArgumentException("unbalanced braces in path pattern: " + glob);
        }
        return regex.toString();
    }
}

package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many {@link Glob}s matched at once. The common shapes — a name ("node_modules", ".env"), a
 * suffix ("*.min.js"), a prefix ("LICENSE*") or a directory at any depth outside JVM source trees
 * ("docs/**") — become set look-ups on the path's segments; only the rest run as regular
 * expressions. Every file of every repository passes through here, so this keeps the path check to
 * a few microseconds.
 */
final class GlobSet {
    private static final Pattern SOURCE_ROOT = Pattern.compile("(?<![^/])" + Glob.SOURCE_ROOT);
    private final Set<String> names = new HashSet<>();
    private final Set<String> suffixes = new HashSet<>();
    private final List<String> prefixes = new ArrayList<>();
    private final Set<String> directories = new HashSet<>();
    private final List<Glob> others = new ArrayList<>();

    GlobSet(List<String> globs) {
        for (String raw : globs) {
            Glob glob = new Glob(raw); // validates
            String g = raw.strip();
            if (g.startsWith("/")) {
                g = g.substring(1);
            }
            if (!g.contains("/")) {
                if (!hasWildcard(g)) {
                    names.add(g);
                    continue;
                }
                if (g.startsWith("*") && !hasWildcard(g.substring(1)) && g.length() > 1 && g.charAt(1) == '.') {
                    suffixes.add(g.substring(1));
                    continue;
                }
                if (g.endsWith("*") && !hasWildcard(g.substring(0, g.length() - 1)) && g.length() > 1) {
                    prefixes.add(g.substring(0, g.length() - 1));
                    continue;
                }
            } else if (g.endsWith("/**")) {
                String dir = g.substring(0, g.length() - 3);
                if (!dir.contains("/") && !hasWildcard(dir) && !dir.isEmpty()) {
                    directories.add(dir);
                    continue;
                }
            }
            others.add(glob);
        }
    }

    boolean matches(String path) {
        int start = 0;
        while (true) {
            int slash = path.indexOf('/', start);
            boolean last = slash < 0;
            String segment = last ? path.substring(start) : path.substring(start, slash);
            if (matchesSegment(segment)
                    || (!last && directories.contains(segment) && !inSourceTree(path, start))) {
                return true;
            }
            if (last) {
                break;
            }
            start = slash + 1;
        }
        for (Glob glob : others) {
            if (glob.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a JVM source tree opens before {@code end}, as {@link Glob} sees it. */
    private static boolean inSourceTree(String path, int end) {
        Matcher root = SOURCE_ROOT.matcher(path);
        return root.find() && root.start() < end;
    }

    private boolean matchesSegment(String segment) {
        if (names.contains(segment)) {
            return true;
        }
        if (!suffixes.isEmpty()) {
            for (int dot = segment.indexOf('.'); dot >= 0; dot = segment.indexOf('.', dot + 1)) {
                if (suffixes.contains(segment.substring(dot))) {
                    return true;
                }
            }
        }
        for (String prefix : prefixes) {
            if (segment.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasWildcard(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '{' || c == '}' || c == ',' || c == '[') {
                return true;
            }
        }
        return false;
    }
}

package dev.reporag.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A project's own file rules, added to the service's: path globs to keep although a default rule
 * leaves them out (a code base's {@code docs/**}, say), and globs to leave out besides. Secrets stay
 * out whatever they say. Checked as globs where the filter is built
 * ({@code FileFilter#forProject}).
 *
 * @param include globs of files to keep even when an exclude matches
 * @param exclude globs of files to leave out
 */
public record PathRules(List<String> include, List<String> exclude) {
    /** No rule of the project's own: the service's rules alone. */
    public static final PathRules NONE = new PathRules(List.of(), List.of());
    /** Globs a project may add, per list. */
    public static final int MAX_GLOBS = 50;
    /** Characters a glob may have. */
    public static final int MAX_GLOB_CHARS = 300;

    public PathRules {
        include = checked(include, "include");
        exclude = checked(exclude, "exclude");
    }

    public boolean isNone() {
        return include.isEmpty() && exclude.isEmpty();
    }

    private static List<String> checked(List<String> globs, String what) {
        List<String> kept = Objects.requireNonNullElse(globs, List.<String>of()).stream()
                .map(g -> Objects.requireNonNull(g, what + " glob").strip())
                .filter(g -> !g.isEmpty()).distinct().toList();
        if (kept.size() > MAX_GLOBS) {
            throw new IllegalArgumentException("at most " + MAX_GLOBS + " " + what + " globs");
        }
        for (String glob : kept) {
            if (glob.length() > MAX_GLOB_CHARS || glob.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("an " + what + " glob is at most " + MAX_GLOB_CHARS
                        + " characters, without control characters");
            }
        }
        return kept;
    }
}

package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A pattern of Git's rules files ({@code .gitignore}, {@code .gitattributes}) as Git's wildmatch
 * reads it, matched in time linear in the path: the patterns come from the repository, which may
 * be hostile, and as a regular expression {@code **}{@code /**}{@code /…} backtracks without end
 * (twelve of them against a path 31 directories deep ran for over 20 s). The pattern is a sequence
 * of steps, and a path is matched by following every step it can be at, character by character.
 */
final class Wildmatch {
    /** Longer patterns are not rules anyone writes; they are refused, bounding each match's cost. */
    static final int MAX_PATTERN_CHARS = 1_024;

    private enum Kind {
        /** One given character. */
        LITERAL,
        /** {@code ?}: one character but '/'. */
        ONE,
        /** {@code [...]}: one character but '/' in (or not in) the set. */
        SET,
        /** {@code *}: any characters but '/'. */
        WITHIN_NAME,
        /** {@code **} at the end: anything. */
        ANYTHING,
        /** {@code **}{@code /} (and an unanchored pattern's start): nothing, or anything ending in '/'. */
        DIRECTORIES
    }

    private record Step(Kind kind, char literal, String set, boolean negated) {
        boolean takes(char c) {
            return switch (kind) {
                case LITERAL -> c == literal;
                case ONE -> c != '/';
                case SET -> c != '/' && inSet(c) != negated;
                default -> throw new IllegalStateException(kind.name());
            };
        }

        private boolean inSet(char c) {
            for (int i = 0; i < set.length(); i++) {
                if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                    if (c >= set.charAt(i) && c <= set.charAt(i + 2)) {
                        return true;
                    }
                    i += 2;
                } else if (set.charAt(i) == c) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the step may match no character, so the next one is also where a path may be. */
        boolean mayBeEmpty() {
            return kind == Kind.WITHIN_NAME || kind == Kind.ANYTHING || kind == Kind.DIRECTORIES;
        }
    }

    private final Step[] steps;

    private Wildmatch(List<Step> steps) {
        this.steps = steps.toArray(Step[]::new);
    }

    /**
     * A pattern of a rules file in {@code directory} ("" or "a/b"): one with a slash before its end
     * is relative to that directory, one without matches a name at any depth below it.
     *
     * @throws IllegalArgumentException for a pattern over {@link #MAX_PATTERN_CHARS}
     */
    static Wildmatch inDirectory(String directory, String pattern) {
        if (pattern.length() > MAX_PATTERN_CHARS) {
            throw new IllegalArgumentException("a pattern of " + pattern.length() + " characters");
        }
        List<Step> steps = new ArrayList<>();
        if (!directory.isEmpty()) {
            (directory + "/").chars().forEach(c -> steps.add(literal((char) c)));
        }
        boolean anchored = pattern.substring(0, Math.max(0, pattern.length() - 1)).contains("/");
        if (!anchored) {
            steps.add(new Step(Kind.DIRECTORIES, '\0', null, false));
        }
        parse(pattern.startsWith("/") ? pattern.substring(1) : pattern, steps);
        return new Wildmatch(steps);
    }

    boolean matches(String path) {
        int end = steps.length;
        // Where the path may be: before step i (bit i), or inside the DIRECTORIES step i (bit end + 1 + i).
        BitSet at = new BitSet(2 * end + 1);
        at.set(0);
        spread(at);
        for (int p = 0; p < path.length() && !at.isEmpty(); p++) {
            char c = path.charAt(p);
            BitSet next = new BitSet(2 * end + 1);
            for (int i = at.nextSetBit(0); i >= 0; i = at.nextSetBit(i + 1)) {
                if (i > end) {
                    int step = i - end - 1; // inside a DIRECTORIES step: on to the next after a '/'
                    next.set(i);
                    if (c == '/') {
                        next.set(step + 1);
                    }
                    continue;
                }
                if (i == end) {
                    continue; // the pattern is used up, and the path is not
                }
                Step step = steps[i];
                switch (step.kind()) {
                    case WITHIN_NAME -> {
                        if (c != '/') {
                            next.set(i);
                        }
                    }
                    case ANYTHING -> next.set(i);
                    case DIRECTORIES -> {
                        next.set(end + 1 + i);
                        if (c == '/') {
                            next.set(i + 1);
                        }
                    }
                    default -> {
                        if (step.takes(c)) {
                            next.set(i + 1);
                        }
                    }
                }
            }
            spread(next);
            at = next;
        }
        return at.get(end);
    }

    /** Adds, after every step that may match nothing, the step after it. */
    private void spread(BitSet at) {
        for (int i = 0; i < steps.length; i++) {
            if (at.get(i) && steps[i].mayBeEmpty()) {
                at.set(i + 1);
            }
        }
    }

    private static Step literal(char c) {
        return new Step(Kind.LITERAL, c, null, false);
    }

    private static void parse(String glob, List<Step> steps) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*' && segmentStart
                    && (i + 2 == glob.length() || glob.charAt(i + 2) == '/')) {
                boolean last = i + 2 == glob.length();
                steps.add(new Step(last ? Kind.ANYTHING : Kind.DIRECTORIES, '\0', null, false));
                i += last ? 1 : 2;
            } else if (c == '*') {
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++; // other runs of asterisks are one
                }
                steps.add(new Step(Kind.WITHIN_NAME, '\0', null, false));
            } else if (c == '?') {
                steps.add(new Step(Kind.ONE, '\0', null, false));
            } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
                int close = glob.indexOf(']', i + 2);
                String set = glob.substring(i + 1, close);
                boolean negated = set.startsWith("!") || set.startsWith("^");
                steps.add(new Step(Kind.SET, '\0', negated ? set.substring(1) : set, negated));
                i = close;
            } else if (c == '\\' && i + 1 < glob.length()) {
                steps.add(literal(glob.charAt(++i)));
            } else {
                steps.add(literal(c));
            }
        }
    }

    /** Rules files in the order their lines apply: a deeper directory's after a shallower one's. */
    static <T> Comparator<T> shallowFirst(Function<T, String> directory) {
        return Comparator.comparingLong((T file) -> {
            String d = directory.apply(file);
            return d.isEmpty() ? 0 : d.chars().filter(c -> c == '/').count() + 1;
        }).thenComparing(directory);
    }
}

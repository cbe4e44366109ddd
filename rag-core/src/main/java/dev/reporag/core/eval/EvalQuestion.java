package dev.reporag.core.eval;

import java.util.Objects;
import java.util.Set;

/**
 * A question whose answer is known: one of the files in {@code expected}, in the tree of
 * {@code commit}.
 *
 * @param kind     {@link #HISTORY}, {@link #DOC}, {@link #HEADING}, or a kind of a hand-written set
 * @param expected the files that answer it (any one of them found counts)
 * @param commit   the commit whose tree the question is asked of
 * @param hidden   lines of an expected file left out of the indexed text (the doc comment or
 *                 heading a question was made from), or null
 * @param origin   where it comes from, for reports: a commit id, or a file and line
 */
public record EvalQuestion(String text, String kind, Set<String> expected, String commit, Hidden hidden,
                           String origin) {
    /** Made from a commit's subject, asked of the tree before that commit. */
    public static final String HISTORY = "history";
    /** Made from the first sentence of a function's doc comment, asked with that comment left out. */
    public static final String DOC = "doc";
    /**
     * Made from a section heading of indexed documentation (a documentation repository's, or a
     * manual a project's own rules include), asked with that heading left out.
     */
    public static final String HEADING = "heading";

    /** Lines of a file (1-based, inclusive) that the index must not see. */
    public record Hidden(String path, int startLine, int endLine) {
    }

    public EvalQuestion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(commit, "commit");
        expected = Set.copyOf(expected);
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("a question needs at least one expected file");
        }
    }
}

package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits text into chunks of at most {@code maxChars}, cutting at line boundaries with about
 * {@code overlapChars} of overlap. Within a chunk's last stretch it prefers to cut before a blank
 * line or a declaration, so chunks tend to hold whole functions. A line longer than the limit is
 * split on its own. Each chunk's text is exactly the original lines it names; blank chunks are
 * never produced.
 */
public final class Chunker {
    public static final int DEFAULT_MAX_CHARS = 1000;
    public static final int DEFAULT_OVERLAP_CHARS = 200;
    /**
     * Part of every {@link dev.reporag.core.model.EmbeddingKey}: raise it when a change to the
     * chunking or to the embedded header should embed everything again.
     */
    public static final int VERSION = 1;

    /**
     * Lines that usually start a declaration or its doc comment, across common languages: Java-like
     * types and methods, Python/Ruby {@code def}/{@code class}, Go {@code func}, JS/TS
     * {@code function}/{@code export}/class methods, Rust {@code fn}/{@code impl}. Control statements
     * ({@code if (...)}, {@code return f(...)}) never count.
     */
    private static final Pattern DECLARATION = Pattern.compile(
            "^[ \\t]{0,4}(?!(?:if|for|while|switch|catch|return|else|do|try|new|throw|await|yield|case|elif|except"
                    + "|with|match|loop|when)\\b)"
                    + "(?:(?:public|private|protected|internal|static|final|abstract|sealed|override|open|export"
                    + "|default|async|pub(?:\\([^)]*\\))?|inline|virtual|unsafe|const|extern(?:\\s+\"[^\"]*\")?|get|set"
                    + "|readonly|suspend|data)\\s+)*"
                    + "(?:(?:class|interface|enum|record|struct|trait|impl|object|def|fn|func|fun|function|module"
                    + "|namespace|package|type|mod)\\b|@[A-Za-z]|/\\*\\*|///|#\\[|CREATE\\s|void\\s"
                    + "|(?:const|let|var)\\s+[\\w$]+\\s*=\\s*(?:async\\s*)?(?:\\(|function)"
                    + "|[A-Za-z_][\\w<>\\[\\],.?]*\\s+[A-Za-z_]\\w*\\s*\\("
                    + "|\\*?[A-Za-z_$][\\w$]*\\s*\\([^;]*\\)[^;=]*\\{\\s*$)");

    /** Annotations, decorators and comments that belong to the declaration below them. */
    private static final Pattern ATTACHED = Pattern.compile("^\\s*(?:@|/\\*|\\*|//|#)");

    private final int maxChars;
    private final int overlapChars;

    public Chunker(int maxChars, int overlapChars) {
        if (maxChars < 50) {
            throw new IllegalArgumentException("chunk size must be at least 50 characters: " + maxChars);
        }
        if (overlapChars < 0 || overlapChars >= maxChars / 2) {
            throw new IllegalArgumentException("overlap must be at least 0 and under half the chunk size: "
                    + overlapChars);
        }
        this.maxChars = maxChars;
        this.overlapChars = overlapChars;
    }

    public static Chunker defaults() {
        return new Chunker(DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_CHARS);
    }

    public int maxChars() {
        return maxChars;
    }

    public int overlapChars() {
        return overlapChars;
    }

    public List<TextChunk> split(String text) {
        return split(lines(text));
    }

    /** As {@link #split(String)}, for text already cut by {@link #lines(String)}. */
    public List<TextChunk> split(List<String> lines) {
        List<TextChunk> chunks = new ArrayList<>();
        int n = lines.size();
        int i = 0;
        while (i < n) {
            if (lines.get(i).length() > maxChars) {
                splitLongLine(lines.get(i), i + 1, chunks);
                i++;
                continue;
            }
            int end = i;
            int size = 0;
            while (end < n && lines.get(end).length() <= maxChars && size + lines.get(end).length() <= maxChars) {
                size += lines.get(end).length();
                end++;
            }
            if (end < n) {
                end = preferredCut(lines, i, end, size);
            }
            emit(lines, i, end, chunks);
            if (end >= n) {
                break;
            }
            i = nextStart(lines, i, end);
        }
        return chunks;
    }

    /**
     * Moves the cut back to just before a blank line or a declaration in the chunk's last stretch;
     * of several, the least indented wins (an outer declaration beats a nested one), then the latest.
     */
    private int preferredCut(List<String> lines, int start, int end, int size) {
        int minSize = maxChars / 2;
        int kept = size;
        int best = end;
        int bestIndent = Integer.MAX_VALUE;
        for (int cut = end; cut > start + 1 && kept >= minSize; cut--) {
            String next = lines.get(cut);
            int candidate = -1;
            if (lines.get(cut - 1).isBlank() && !next.isBlank()) {
                candidate = cut;
            } else if (mayDeclare(next) && DECLARATION.matcher(next).lookingAt()) {
                candidate = withAttachedLines(lines, start, cut, kept, minSize);
            }
            if (candidate >= 0 && indentation(next) < bestIndent) {
                best = candidate;
                bestIndent = indentation(next);
            }
            kept -= lines.get(cut - 1).length();
        }
        return best;
    }

    /** Moves a cut before a declaration up over its doc comment and annotations, if the chunk stays big enough. */
    private static int withAttachedLines(List<String> lines, int start, int cut, int kept, int minSize) {
        int c = cut;
        int left = kept;
        while (c - 1 > start + 1 && !lines.get(c - 1).isBlank() && ATTACHED.matcher(lines.get(c - 1)).lookingAt()) {
            left -= lines.get(c - 1).length();
            c--;
        }
        return left >= minSize ? c : cut;
    }

    /** Starts the next chunk with about {@code overlapChars} of the previous one, always moving on. */
    private int nextStart(List<String> lines, int start, int end) {
        if (lines.get(end).length() > maxChars) {
            return end;
        }
        int s = end;
        int overlap = 0;
        while (s - 1 > start && overlap + lines.get(s - 1).length() <= overlapChars) {
            s--;
            overlap += lines.get(s).length();
        }
        // The next chunk must hold at least one new line.
        while (s < end && overlap + lines.get(end).length() > maxChars) {
            overlap -= lines.get(s).length();
            s++;
        }
        return s;
    }

    private void emit(List<String> lines, int start, int end, List<TextChunk> chunks) {
        StringBuilder builder = new StringBuilder(maxChars);
        for (int k = start; k < end; k++) {
            builder.append(lines.get(k));
        }
        String text = builder.toString();
        if (!text.isBlank()) {
            chunks.add(new TextChunk(start + 1, end, text));
        }
    }

    private void splitLongLine(String line, int lineNumber, List<TextChunk> chunks) {
        int step = maxChars - overlapChars;
        for (int from = 0; from < line.length(); from += step) {
            int to = Math.min(line.length(), from + maxChars);
            // Never cut a surrogate pair in two.
            if (to < line.length() && Character.isHighSurrogate(line.charAt(to - 1))) {
                to--;
            }
            String piece = line.substring(from, to);
            if (!piece.isBlank()) {
                chunks.add(new TextChunk(lineNumber, lineNumber, piece));
            }
            if (to >= line.length()) {
                break;
            }
            if (Character.isHighSurrogate(line.charAt(from + step - 1))) {
                from--;
            }
        }
    }

    /**
     * A cheap necessary condition for {@link #DECLARATION}, which most lines fail, so the regex runs
     * on few: at most four blanks, then what one of its alternatives starts with ("/**" but not
     * "//", "@Name" but not "@ "), and for a word, an opening parenthesis or one of the words those
     * alternatives need.
     */
    private static boolean mayDeclare(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        if (i > 4 || i == line.length()) {
            return false;
        }
        char c = line.charAt(i);
        char next = i + 1 < line.length() ? line.charAt(i + 1) : ' ';
        return switch (c) {
            case '@' -> isAsciiLetter(next);
            case '#' -> next == '[';
            case '/' -> line.startsWith("/**", i) || line.startsWith("///", i);
            case '*' -> (isAsciiLetter(next) || next == '_' || next == '$') && line.indexOf('(', i) >= 0;
            default -> (isAsciiLetter(c) || c == '_' || c == '$')
                    && (line.indexOf('(', i) >= 0 || containsAny(line, i, DECLARATION_WORDS));
        };
    }

    /**
     * Every alternative of {@link #DECLARATION} that needs no "(" contains one of these (as part of
     * "function", "module", "func", "interface"... or on its own), also after modifiers.
     */
    private static final String[] DECLARATION_WORDS = {"class", "interface", "enum", "record", "struct", "trait",
            "impl", "object", "def", "fn", "fun", "mod", "namespace", "package", "type", "void", "CREATE",
            "@", "/**", "///", "#["};

    private static boolean containsAny(String line, int from, String[] words) {
        for (String word : words) {
            if (line.indexOf(word, from) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Columns of leading white space, a tab counting as four. */
    static int indentation(String line) {
        int columns = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                columns++;
            } else if (c == '\t') {
                columns += 4;
            } else {
                break;
            }
        }
        return columns;
    }

    /** Lines with their terminators ("\n" or "\r\n"), so joining them gives the text back. */
    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(text.length() / 32 + 1);
        int from = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
            lines.add(text.substring(from, end + 1));
            from = end + 1;
        }
        if (from < text.length()) {
            lines.add(text.substring(from));
        }
        return lines;
    }
}

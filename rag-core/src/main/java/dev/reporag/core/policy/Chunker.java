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

    /** Lines that usually start a declaration or its doc comment, across common languages. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^[ \\t]{0,4}(?:(?:public|private|protected|internal|static|final|abstract|sealed|override|open"
                    + "|export|default|async|pub|inline|virtual)\\s+)*"
                    + "(?:class|interface|enum|record|struct|trait|impl|object|def|fn|func|function|module"
                    + "|namespace|package|type|@[A-Za-z]|/\\*\\*|///|#\\[|CREATE\\s|void\\s|[A-Za-z_][\\w<>\\[\\],.?]*"
                    + "\\s+[A-Za-z_]\\w*\\s*\\()");

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
        List<String> lines = lines(text);
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

    /** Moves the cut back to just before a blank line or declaration in the chunk's last stretch. */
    private int preferredCut(List<String> lines, int start, int end, int size) {
        int minSize = maxChars / 2;
        int kept = size;
        for (int cut = end; cut > start + 1; cut--) {
            if (kept < minSize) {
                break;
            }
            String next = lines.get(cut);
            if (lines.get(cut - 1).isBlank() || DECLARATION.matcher(next).find()) {
                return cut;
            }
            kept -= lines.get(cut - 1).length();
        }
        return end;
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
        StringBuilder text = new StringBuilder();
        for (int k = start; k < end; k++) {
            text.append(lines.get(k));
        }
        if (!text.toString().isBlank()) {
            chunks.add(new TextChunk(start + 1, end, text.toString()));
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

    /** Lines with their terminators ("\n" or "\r\n"), so joining them gives the text back. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            lines.add(text.substring(from));
        }
        return lines;
    }
}

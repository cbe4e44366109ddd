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
     * For each chunk, the declarations enclosing its first line, outermost first and at most two
     * ({@code "public class Cart > Money total()"}), or "" when none is cheap to find. A backwards
     * scan from the chunk's first line looks for declaration lines of the language family at lower
     * indentation. Meant for the embedder's header: chunk text and line numbers are not touched.
     */
    public static List<String> enclosingDeclarations(String text, String language, List<TextChunk> chunks) {
        return enclosingDeclarations(lines(text), language, chunks);
    }

    /** As {@link #enclosingDeclarations(String, String, List)}, for text already cut by {@link #lines(String)}. */
    public static List<String> enclosingDeclarations(List<String> lines, String language, List<TextChunk> chunks) {
        Family family = Family.of(language);
        List<String> result = new ArrayList<>(chunks.size());
        if (family == null) {
            chunks.forEach(c -> result.add(""));
            return result;
        }
        int[] up = nearestOuterLines(lines);
        // Neighbouring chunks share their outer lines: each line is classified and shortened once.
        String[] declared = new String[lines.size()];
        for (TextChunk chunk : chunks) {
            int first = -1;
            for (int i = chunk.startLine() - 1; i < chunk.endLine() && i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    first = i;
                    break;
                }
            }
            String inner = null;
            String outer = null;
            for (int i = first < 0 ? -1 : up[first]; i >= 0 && outer == null; i = up[i]) {
                if (declared[i] == null) {
                    String code = lines.get(i).strip();
                    declared[i] = family.declares(code) ? shorten(code) : NOT_DECLARED;
                }
                if (declared[i] != NOT_DECLARED) {
                    if (inner == null) {
                        inner = declared[i];
                    } else {
                        outer = declared[i];
                    }
                }
            }
            result.add(inner == null ? "" : outer == null ? inner : outer + " > " + inner);
        }
        return result;
    }

    /**
     * For each line, the nearest line above it at lower indentation that says something about the
     * nesting (not blank, not a comment or annotation, not a lone brace), or -1: one forward pass
     * with a stack of such lines, instead of a backwards scan per chunk.
     */
    private static int[] nearestOuterLines(List<String> lines) {
        int[] up = new int[lines.size()];
        int[] stack = new int[lines.size()];
        int[] stackIndent = new int[lines.size()];
        int depth = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            up[i] = -1;
            int k = 0;
            while (k < line.length() && Character.isWhitespace(line.charAt(k))) {
                k++;
            }
            if (k == line.length()) {
                continue; // blank
            }
            int indent = indentation(line);
            int d = depth;
            while (d > 0 && stackIndent[d - 1] >= indent) {
                d--;
            }
            up[i] = d > 0 ? stack[d - 1] : -1;
            char c = line.charAt(k);
            char next = k + 1 < line.length() ? line.charAt(k + 1) : ' ';
            // What ATTACHED matches (comments, annotations), and lone braces: no say in the nesting.
            boolean saysNothing = c == '@' || c == '#' || c == '*' || (c == '/' && (next == '*' || next == '/'))
                    || c == '{' || c == ')';
            if (!saysNothing) {
                depth = d;
                stack[depth] = i;
                stackIndent[depth] = indent;
                depth++;
            }
        }
        return up;
    }

    private static final int MAX_DECLARATION_CHARS = 70;
    /** Marks a line already found not to declare anything; compared by identity. */
    private static final String NOT_DECLARED = new String("not declared");
    private static final Pattern FROM_BRACE = Pattern.compile("\\s*\\{.*$");
    private static final Pattern TRAILING_COLON_OR_ARROW = Pattern.compile("\\s*(?::|=>)\\s*$");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** The declaration without its body, a trailing ":" or "=>", and runs of white space. */
    private static String shorten(String declaration) {
        String d = hasLineTerminator(declaration)
                ? SPACES.matcher(TRAILING_COLON_OR_ARROW.matcher(FROM_BRACE.matcher(declaration).replaceAll(""))
                        .replaceAll("")).replaceAll(" ")
                : collapseSpaces(withoutTrailingColonOrArrow(beforeBrace(declaration)));
        return d.length() <= MAX_DECLARATION_CHARS ? d : d.substring(0, MAX_DECLARATION_CHARS - 3) + "...";
    }

    // What the three patterns above do, without a regex, for text with no line terminator (so "."
    // and "$" in them cannot stop early): declarations are single lines, so nearly always.

    private static boolean hasLineTerminator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /** A regex {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int trimmedEnd(String s, int end) {
        while (end > 0 && isRegexSpace(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static String beforeBrace(String s) {
        int brace = s.indexOf('{');
        return brace < 0 ? s : s.substring(0, trimmedEnd(s, brace));
    }

    private static String withoutTrailingColonOrArrow(String s) {
        int end = trimmedEnd(s, s.length());
        if (end > 0 && s.charAt(end - 1) == ':') {
            return s.substring(0, trimmedEnd(s, end - 1));
        }
        if (end > 1 && s.charAt(end - 1) == '>' && s.charAt(end - 2) == '=') {
            return s.substring(0, trimmedEnd(s, end - 2));
        }
        return s;
    }

    private static String collapseSpaces(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isRegexSpace(c) && (c != ' ' || (i + 1 < s.length() && isRegexSpace(s.charAt(i + 1))))) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append(' ');
                while (i + 1 < s.length() && isRegexSpace(s.charAt(i + 1))) {
                    i++;
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
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
    private static int indentation(String line) {
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

    /** Declaration lines (stripped) of one family of languages. */
    private enum Family {
        JAVA_LIKE("(?:(?:[\\w@]+(?:\\([^)]*\\))?)\\s+)*(?:class|interface|enum|record|struct|trait|object|namespace"
                + "|@interface|extension|protocol)\\s+[\\w$]"
                + "|(?:[\\w@]+\\s+)*(?:fun|func|def)\\s+[\\w$<.]"
                + "|(?:[\\w$@<>\\[\\],.?]+\\s+)+[\\w$]+\\s*\\([^;]*$"),
        SCRIPT("(?:export\\s+)?(?:default\\s+)?(?:async\\s+)?function\\b"
                + "|(?:export\\s+)?(?:default\\s+)?(?:abstract\\s+)?(?:class|interface|enum|namespace|module)\\s+[\\w$]"
                + "|(?:export\\s+)?(?:const|let|var)\\s+[\\w$]+\\s*(?::[^=]+)?=\\s*(?:async\\s*)?"
                + "(?:function\\b|\\([^)]*\\)\\s*(?::[^=]+)?=>|[\\w$]+\\s*=>)"
                + "|(?:(?:public|private|protected|static|async|get|set|readonly|override)\\s+)*\\*?[\\w$]+\\s*"
                + "(?:<[^>]*>)?\\s*\\([^;]*\\)\\s*(?::[^{;]+)?\\{\\s*$"),
        GO("func\\b|type\\s+\\w+\\s+(?:struct|interface)\\b"),
        PYTHON("(?:async\\s+)?def\\s+\\w+|class\\s+\\w+|module\\s+\\w+"),
        RUST("(?:pub(?:\\([^)]*\\))?\\s+)?(?:(?:async|const|unsafe|extern(?:\\s+\"[^\"]*\")?)\\s+)*fn\\s+\\w+"
                + "|(?:unsafe\\s+)?impl\\b|(?:pub(?:\\([^)]*\\))?\\s+)?(?:struct|enum|trait|mod|union)\\s+\\w+"),
        C("(?:typedef\\s+)?(?:struct|class|union|enum|namespace)\\s+\\w+[^;]*$"
                + "|(?:[\\w*&:<>,~]+\\s+)+\\**[\\w:~]+\\s*\\([^;]*$");

        /** Statements that look like calls or declarations but never are. */
        private static final Pattern CONTROL = Pattern.compile("^(?:if|else|for|foreach|while|do|switch|case|catch"
                + "|try|finally|return|throw|new|synchronized|when|match|loop|elif|except|with|yield|await|assert"
                + "|using|lock|go|defer|select|delete|sizeof|goto)\\b");

        private final Pattern pattern;

        Family(String regex) {
            this.pattern = Pattern.compile("^(?:" + regex + ")");
        }

        boolean declares(String code) {
            return !CONTROL.matcher(code).lookingAt() && pattern.matcher(code).lookingAt();
        }

        static Family of(String language) {
            return switch (language) {
                case "java", "kotlin", "scala", "groovy", "csharp", "dart", "swift", "php" -> JAVA_LIKE;
                case "javascript", "typescript", "vue" -> SCRIPT;
                case "go" -> GO;
                case "python", "ruby" -> PYTHON;
                case "rust" -> RUST;
                case "c", "cpp", "objc" -> C;
                default -> null;
            };
        }
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

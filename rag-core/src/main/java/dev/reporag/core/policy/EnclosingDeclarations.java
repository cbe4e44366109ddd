package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The declarations that enclose each chunk, for the embedder's header: "public class Cart > Money
 * total()". The other half of chunking: {@link Chunker} decides where chunks start and end, this
 * says what they sit in, by the indentation of the lines above and one pattern per family of
 * languages.
 */
public final class EnclosingDeclarations {
    private EnclosingDeclarations() {
    }

    /**
     * For each chunk, the declarations enclosing its first line, outermost first and at most two
     * ({@code "public class Cart > Money total()"}), or "" when none is cheap to find. A backwards
     * scan from the chunk's first line looks for declaration lines of the language family at lower
     * indentation. Meant for the embedder's header: chunk text and line numbers are not touched.
     */
    public static List<String> of(String text, String language, List<TextChunk> chunks) {
        return of(Chunker.lines(text), language, chunks);
    }

    /** As {@link #of(String, String, List)}, for text already cut by {@link Chunker#lines(String)}. */
    public static List<String> of(List<String> lines, String language, List<TextChunk> chunks) {
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
            int indent = Chunker.indentation(line);
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

    /** The declaration without its body, a trailing ":" or "=>", and runs of white space (a tab or CR counts as one). */
    private static String shorten(String declaration) {
        String d = collapseSpaces(withoutTrailingColonOrArrow(beforeBrace(declaration)));
        return d.length() <= MAX_DECLARATION_CHARS ? d : d.substring(0, MAX_DECLARATION_CHARS - 3) + "...";
    }

    /** What a regex {@code \s} matches: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int trimmedEnd(String s, int end) {
        while (end > 0 && isSpace(s.charAt(end - 1))) {
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
            if (isSpace(c) && (c != ' ' || (i + 1 < s.length() && isSpace(s.charAt(i + 1))))) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append(' ');
                while (i + 1 < s.length() && isSpace(s.charAt(i + 1))) {
                    i++;
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
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

}

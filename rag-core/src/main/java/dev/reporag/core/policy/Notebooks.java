package dev.reporag.core.policy;

import dev.reporag.core.model.Languages;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a Jupyter notebook worth indexing: its cells' sources, without their outputs (base64
 * images, tables, logs) or metadata. Read line by line as Jupyter, JupyterLab, VS Code and Colab
 * write a notebook (nbformat 4, indented, one line of a cell's source per line of JSON), so every
 * line kept is one line of the file and a citation names the file's own lines. A notebook written
 * otherwise (all on one line) yields nothing here and is treated as any JSON file.
 */
final class Notebooks {
    private static final Pattern SOURCE_LIST = Pattern.compile("^\\s*\"source\"\\s*:\\s*\\[\\s*$");
    private static final String SOURCE_KEY = "\"source\"";
    private static final Pattern LIST_END = Pattern.compile("^\\s*]\\s*,?\\s*$");
    /** The kernel's language, in the notebook's metadata: {@code "language": "python"}. */
    private static final Pattern KERNEL_LANGUAGE = Pattern.compile("^\\s*\"language\"\\s*:\\s*\"([A-Za-z0-9+#_-]{1,30})\"\\s*,?\\s*$");
    private static final Pattern NO_CELLS = Pattern.compile("^\\s*\"cells\"\\s*:\\s*\\[\\s*]\\s*,?\\s*$");

    /**
     * The cells' text, for each of its lines (0-based) the file's line it comes from (1-based), and
     * the kernel's language when the notebook names one of ours (null otherwise).
     */
    record Cells(String text, int[] fileLines, String language) {
    }

    private Notebooks() {
    }

    static boolean isNotebook(String path) {
        return path.endsWith(".ipynb");
    }

    /** The cells' sources, a blank line between two cells; null when no source is laid out as Jupyter writes it. */
    static Cells cells(String json) {
        StringBuilder text = new StringBuilder();
        List<Integer> fileLines = new ArrayList<>();
        boolean inSource = false;
        boolean anyCell = false;
        boolean noCells = false;
        String language = null;
        int lineNumber = 0;
        int start = 0;
        while (start < json.length()) {
            int end = json.indexOf('\n', start);
            end = end < 0 ? json.length() : end;
            String line = json.substring(start, end);
            start = end + 1;
            lineNumber++;
            if (inSource) {
                String string = stringToken(line.strip());
                if (string != null) {
                    String decoded = unescape(string);
                    decoded = decoded.endsWith("\n") ? decoded.substring(0, decoded.length() - 1) : decoded;
                    // A line of source is one line of JSON; a newline inside one would shift the lines cited.
                    text.append(decoded.replace('\r', ' ').replace('\n', ' ')).append('\n');
                    fileLines.add(lineNumber);
                } else if (LIST_END.matcher(line).matches()) {
                    inSource = false;
                } else {
                    return null; // not the layout read here
                }
                continue;
            }
            noCells |= NO_CELLS.matcher(line).matches();
            if (language == null && line.length() < 100) {
                Matcher kernel = KERNEL_LANGUAGE.matcher(line);
                language = kernel.matches() ? Languages.named(kernel.group(1)) : null;
            }
            String single = singleSource(line.strip());
            boolean list = SOURCE_LIST.matcher(line).matches();
            if (list || single != null) {
                if (anyCell) {
                    text.append('\n'); // between two cells, counted as the next cell's "source" line
                    fileLines.add(lineNumber);
                }
                anyCell = true;
                if (list) {
                    inSource = true;
                } else {
                    text.append(unescape(single).replace('\r', ' ').replace('\n', ' ')).append('\n');
                    fileLines.add(lineNumber);
                }
            }
        }
        if (noCells && !anyCell) {
            return new Cells("", new int[0], null); // a notebook never written in: nothing to index
        }
        if (!anyCell || inSource) {
            return null;
        }
        return new Cells(text.toString(), fileLines.stream().mapToInt(Integer::intValue).toArray(), language);
    }

    /**
     * The content of a line that is one JSON string, with a comma after it or not; null otherwise.
     * Scanned by hand: a regular expression's repeated group recurses once per character, and a
     * source line of 10,000 characters (an image pasted into a markdown cell) overflowed the stack.
     */
    static String stringToken(String line) {
        String s = line.endsWith(",") ? line.substring(0, line.length() - 1).stripTrailing() : line;
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return null;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 >= s.length() - 1) {
                    return null; // the closing quote is escaped
                }
                i++;
            } else if (c == '"') {
                return null;
            }
        }
        return s.substring(1, s.length() - 1);
    }

    /** The string of a {@code "source": "..."} line, or null. */
    private static String singleSource(String line) {
        if (!line.startsWith(SOURCE_KEY)) {
            return null;
        }
        String rest = line.substring(SOURCE_KEY.length()).stripLeading();
        return rest.startsWith(":") ? stringToken(rest.substring(1).strip()) : null;
    }

    /** A JSON string's content, its escapes read. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length() && s.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append("\\u");
                    }
                }
                default -> out.append(e); // \" \\ \/
            }
        }
        return out.toString();
    }
}

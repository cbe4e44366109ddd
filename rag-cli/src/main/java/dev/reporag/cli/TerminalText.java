package dev.reporag.cli;

/**
 * Text that came from a repository or a model (paths, file content, answers, names, errors quoting
 * them), made safe to print on a terminal: escape sequences (ESC), the bell, every other C0 and C1
 * control character and DEL, and the Unicode characters that reorder or hide text (bidirectional
 * overrides and isolates, zero-width characters) are shown as visible escapes such as
 * {@code \x1b} or {@code \u202e} instead of acting on the terminal. A {@link #line line} also
 * escapes line breaks, so a file name holding a newline cannot split a citation line; {@link #lines
 * lines} print a file's CRLF line ends as line ends.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** One line: nothing in it can move the cursor, change colours, ring or break the line. */
    static String line(String text) {
        return clean(text, false);
    }

    /** Several lines (an answer): line breaks and tabs stay, every other control is escaped. */
    static String lines(String text) {
        return clean(text, true);
    }

    private static String clean(String text, boolean multiline) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean keep = !(Character.isISOControl(c) || isHiddenOrReordering(c)) || (multiline && (c == '\n' || c == '\t'));
            if (keep) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (multiline && c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue; // a Windows line end is a line end; a lone one could overwrite the line, and is shown
            }
            out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }

    private static boolean isHiddenOrReordering(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || (c >= '\u200b' && c <= '\u200f')
                || c == '\u061c' || c == '\u2028' || c == '\u2029' || c == '\ufeff';
    }
}

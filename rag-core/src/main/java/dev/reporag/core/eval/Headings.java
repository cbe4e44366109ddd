package dev.reporag.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The section headings of a Markdown or AsciiDoc file (levels 2 and 3: a chapter's sections) or of
 * a reStructuredText file (a line underlined with a punctuation character), as the label procedure
 * of a documentation repository asks them: a heading is what its section answers, as a doc
 * comment's first sentence is what its function does.
 */
final class Headings {
    /** A heading: its line (1-based) and its text without markup. */
    record Heading(int line, String text) {
    }

    private static final Pattern MARKDOWN = Pattern.compile("^#{2,3}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern ASCIIDOC = Pattern.compile("^={2,3}\\s+(.+?)\\s*$");
    /** reStructuredText's adornment: one punctuation character, repeated, under (and maybe over) the title. */
    private static final Pattern RST_ADORNMENT = Pattern.compile("^([=\\-~^\"'`#*+.:_])\\1{2,}\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*");
    /** {@code [text](url)} reads {@code text}; emphasis and code marks are dropped. */
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern MARKS = Pattern.compile("[`*_]+");
    static final int MIN_WORDS = 2;
    static final int MAX_WORDS = 20;

    private Headings() {
    }

    static boolean isDocument(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".md") || lower.endsWith(".markdown") || lower.endsWith(".mdx") || lower.endsWith(".adoc")
                || lower.endsWith(".rst");
    }

    static List<Heading> find(String path, String text) {
        if (path.toLowerCase(java.util.Locale.ROOT).endsWith(".rst")) {
            return restructuredText(text);
        }
        Pattern heading = path.toLowerCase(java.util.Locale.ROOT).endsWith(".adoc") ? ASCIIDOC : MARKDOWN;
        List<Heading> found = new ArrayList<>();
        boolean inFence = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (FENCE.matcher(lines[i]).matches()) {
                inFence = !inFence; // a "## " inside a code block is a comment of its shell or Python
                continue;
            }
            Matcher m = inFence ? null : heading.matcher(lines[i]);
            if (m != null && m.matches()) {
                String plain = MARKS.matcher(LINK.matcher(m.group(1)).replaceAll("$1")).replaceAll("").strip();
                long words = DocComments.words(plain);
                if (words >= MIN_WORDS && words <= MAX_WORDS) {
                    found.add(new Heading(i + 1, plain));
                }
            }
        }
        return found;
    }

    /** Titles at the start of a line, underlined at least as long as they are. */
    private static List<Heading> restructuredText(String text) {
        List<Heading> found = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            String title = lines[i - 1];
            if (!RST_ADORNMENT.matcher(lines[i]).matches() || title.isBlank() || Character.isWhitespace(title.charAt(0))
                    || RST_ADORNMENT.matcher(title).matches() || lines[i].strip().length() < title.strip().length()) {
                continue;
            }
            String plain = MARKS.matcher(title.strip()).replaceAll("").strip();
            long words = DocComments.words(plain);
            if (words >= MIN_WORDS && words <= MAX_WORDS) {
                found.add(new Heading(i, plain));
            }
        }
        return found;
    }
}

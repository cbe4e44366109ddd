package dev.reporag.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a Markdown file the docs check reads: fenced blocks, inline code, links and headings. */
record Markdown(Path file, List<Block> blocks, List<Span> inlineCode, List<Span> links, Set<String> anchors) {
    /** The marker that says why a block is not run here; it goes on the line before the fence. */
    static final Pattern NOT_RUN = Pattern.compile("<!--\\s*not run here:\\s*(.*?)\\s*-->");
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    /** A fenced block: its language (empty when none), text, and the reason it is not run, if marked. */
    record Block(Path file, int line, String lang, String text, String notRunReason) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    /** Inline code or a link target, with where it is. */
    record Span(Path file, int line, String text) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    static Markdown read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        List<Span> code = new ArrayList<>();
        List<Span> links = new ArrayList<>();
        Set<String> anchors = new LinkedHashSet<>();
        String lang = null;
        int start = 0;
        String reason = null;
        StringBuilder text = new StringBuilder();
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            if (lang == null && fence.matches()) {
                lang = fence.group(1).toLowerCase(Locale.ROOT);
                start = i + 1;
                Matcher marker = NOT_RUN.matcher(previous);
                reason = marker.find() ? marker.group(1) : null;
                text.setLength(0);
            } else if (lang != null && line.strip().equals("```")) {
                blocks.add(new Block(file, start, lang, text.toString(), reason));
                lang = null;
            } else if (lang != null) {
                text.append(line).append('\n');
            } else {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    anchors.add(slug(heading.group(1)));
                }
                Matcher c = CODE.matcher(line);
                while (c.find()) {
                    code.add(new Span(file, i + 1, c.group(1)));
                }
                Matcher l = LINK.matcher(CODE.matcher(line).replaceAll(""));
                while (l.find()) {
                    links.add(new Span(file, i + 1, l.group(1)));
                }
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
        if (lang != null) {
            throw new IllegalStateException(file + ":" + start + ": a fenced block is never closed");
        }
        return new Markdown(file, blocks, code, links, anchors);
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String plain = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").strip();
        return plain.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}

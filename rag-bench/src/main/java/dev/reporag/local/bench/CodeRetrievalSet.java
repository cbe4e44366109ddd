package dev.reporag.local.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A small code-search set in the style of CodeSearchNet, made from the JDK's own sources: the query
 * is the first sentence of a method's Javadoc, the corpus is the files chunked like the core does
 * (line-based, ~N chars with ~N/5 overlap) with every Javadoc comment removed, and the relevant
 * chunks are those holding the method's signature line.
 */
final class CodeRetrievalSet {
    record Query(String text, Set<Integer> relevant) {
    }

    final List<String> chunks = new ArrayList<>();
    final List<Query> queries = new ArrayList<>();

    private static final Pattern SIGNATURE = Pattern.compile(
            "^\\s*(public|protected|private|static|final|abstract|synchronized|default|<)[^=;]*\\(.*");

    static CodeRetrievalSet fromJdkSources(Path srcZip, String folder, int minChunks, int chunkChars, int maxQueries)
            throws IOException {
        CodeRetrievalSet set = new CodeRetrievalSet();
        List<Query> all = new ArrayList<>();
        try (ZipFile zip = new ZipFile(srcZip.toFile())) {
            List<? extends ZipEntry> entries = zip.stream()
                    .filter(e -> e.getName().startsWith(folder) && e.getName().endsWith(".java")
                            && e.getName().indexOf('/', folder.length()) < 0
                            && e.getSize() > 4_000 && e.getSize() < 60_000)
                    .sorted((a, b) -> a.getName().compareTo(b.getName()))
                    .toList();
            for (ZipEntry entry : entries) {
                if (set.chunks.size() >= minChunks) {
                    break;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    set.addFile(new String(in.readAllBytes(), StandardCharsets.UTF_8), chunkChars, all);
                }
            }
        }
        Collections.shuffle(all, new Random(7));
        set.queries.addAll(all.subList(0, Math.min(maxQueries, all.size())));
        return set;
    }

    private void addFile(String source, int chunkChars, List<Query> out) {
        List<String> lines = new ArrayList<>();
        List<String> pendingDocs = new ArrayList<>();
        List<int[]> signatures = new ArrayList<>(); // [stripped line, doc index]
        List<String> docs = new ArrayList<>();
        StringBuilder doc = null;
        String pendingDoc = null;
        for (String line : source.split("\n", -1)) {
            String t = line.strip();
            if (doc != null) {
                doc.append(' ').append(t.replaceFirst("^\\*+", ""));
                if (t.endsWith("*/")) {
                    pendingDoc = doc.toString();
                    doc = null;
                }
                continue;
            }
            if (t.startsWith("/**")) {
                doc = new StringBuilder(t.substring(3));
                if (t.endsWith("*/") && t.length() > 4) {
                    pendingDoc = doc.toString();
                    doc = null;
                }
                continue;
            }
            if (pendingDoc != null && !t.isEmpty() && !t.startsWith("@")) {
                if (SIGNATURE.matcher(line).matches() && !t.contains(" class ") && !t.contains(" interface ")) {
                    String sentence = firstSentence(pendingDoc);
                    if (sentence.split("\\s+").length >= 4) {
                        docs.add(sentence);
                        signatures.add(new int[] {lines.size(), docs.size() - 1});
                    }
                }
                pendingDoc = null;
            }
            lines.add(line);
        }
        List<int[]> ranges = chunk(lines, chunkChars);
        int base = chunks.size();
        for (int[] r : ranges) {
            chunks.add(String.join("\n", lines.subList(r[0], r[1] + 1)));
        }
        for (int[] sig : signatures) {
            Set<Integer> relevant = new HashSet<>();
            for (int c = 0; c < ranges.size(); c++) {
                if (ranges.get(c)[0] <= sig[0] && sig[0] <= ranges.get(c)[1]) {
                    relevant.add(base + c);
                }
            }
            out.add(new Query(docs.get(sig[1]), relevant));
        }
        pendingDocs.clear();
    }

    /** Line-based chunks of about {@code size} chars overlapping by about a fifth. */
    static List<int[]> chunk(List<String> lines, int size) {
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        while (start < lines.size()) {
            int end = start;
            int chars = lines.get(start).length() + 1;
            while (end + 1 < lines.size() && chars + lines.get(end + 1).length() + 1 <= size) {
                end++;
                chars += lines.get(end).length() + 1;
            }
            if (!String.join("", lines.subList(start, end + 1)).isBlank()) {
                ranges.add(new int[] {start, end});
            }
            if (end + 1 >= lines.size()) {
                break;
            }
            int next = end + 1;
            int overlap = 0;
            while (next - 1 > start && overlap + lines.get(next - 1).length() + 1 <= size / 5) {
                next--;
                overlap += lines.get(next).length() + 1;
            }
            start = next;
        }
        return ranges;
    }

    private static String firstSentence(String javadoc) {
        String text = javadoc.replaceAll("\\*/$", "")
                .replaceAll("\\{@(?:code|literal|link|linkplain)\\s+([^}]*)}", "$1")
                .replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ").strip();
        Matcher end = Pattern.compile("\\.(\\s|$)").matcher(text);
        String sentence = end.find() ? text.substring(0, end.start()) : text;
        int tag = sentence.indexOf(" @");
        return (tag >= 0 ? sentence.substring(0, tag) : sentence).strip();
    }
}

package dev.reporag.core.ask;

import dev.reporag.core.policy.CjkPairs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lines of a passage an answer without a chat model shows: the window that holds most of the
 * question's words, the rarer in the passage the more they count; the passage's first lines when
 * none of them occurs. A passage of a thousand characters often opens with a licence, imports or
 * the end of the code before, and the line that answers ("unknown command %q for %q", line 24 of
 * its passage) came after the twelve lines shown.
 *
 * @param from the first line shown (0-based, in the passage)
 * @param to   the line after the last one shown
 */
record Excerpt(int from, int to) {
    private static final Pattern WORD_BREAKS = Pattern.compile("[^\\p{L}\\p{N}]+");
    /** Between a lower-case letter or digit and an upper-case one, and inside "HTTPServer": camelCase humps. */
    private static final Pattern HUMPS = Pattern.compile("(?<=[\\p{Ll}\\p{N}])(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})");
    /** Words of a question that say nothing about where its answer is. */
    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "are", "was", "were", "is", "how", "what",
            "where", "which", "who", "why", "when", "does", "did", "doing", "done", "this", "that", "these", "those",
            "with", "from", "into", "its", "his", "her", "their", "there", "here", "has", "have", "had", "can",
            "could", "should", "would", "will", "not", "any", "all", "some", "code", "file", "files", "about", "you",
            "your", "our", "out", "get", "use", "used", "using", "way", "one", "two", "then", "than", "also", "but");

    /** The window of at most {@code maxLines} lines of {@code lines} that best matches {@code question}. */
    static Excerpt of(List<String> lines, String question, int maxLines) {
        int size = Math.min(maxLines, lines.size());
        Set<String> asked = words(question);
        if (asked.isEmpty() || lines.size() <= size) {
            return new Excerpt(0, size);
        }
        // Which asked words each line holds, and in how many lines each occurs.
        List<Set<String>> found = lines.stream().map(line -> {
            Set<String> inLine = words(line);
            inLine.retainAll(asked);
            return inLine;
        }).toList();
        Map<String, Integer> linesWith = new HashMap<>();
        found.forEach(inLine -> inLine.forEach(word -> linesWith.merge(word, 1, Integer::sum)));
        if (linesWith.isEmpty()) {
            return new Excerpt(0, size);
        }
        Map<String, Double> weight = new HashMap<>();
        linesWith.forEach((word, count) -> weight.put(word, Math.log(1.0 + (double) lines.size() / count)));
        int windows = lines.size() - size + 1;
        double[] scores = new double[windows];
        double bestScore = 0;
        for (int from = 0; from < windows; from++) {
            Set<String> covered = new HashSet<>();
            for (int l = from; l < from + size; l++) {
                covered.addAll(found.get(l));
            }
            for (String word : covered) {
                scores[from] += weight.get(word);
            }
            bestScore = Math.max(bestScore, scores[from]);
        }
        // The line that matches best in the first window that does, with two lines above it: of the
        // windows that match best, the one that starts nearest to that.
        int first = 0;
        while (scores[first] < bestScore - 1e-9) {
            first++;
        }
        int anchor = first;
        double anchorScore = -1;
        for (int l = first; l < first + size; l++) {
            double lineScore = found.get(l).stream().mapToDouble(weight::get).sum();
            if (lineScore > anchorScore + 1e-9) {
                anchor = l;
                anchorScore = lineScore;
            }
        }
        int target = Math.max(0, anchor - 2);
        int chosen = first;
        for (int from = first; from < windows; from++) {
            if (scores[from] >= bestScore - 1e-9 && Math.abs(from - target) < Math.abs(chosen - target)) {
                chosen = from;
            }
        }
        return new Excerpt(chosen, chosen + size);
    }

    /**
     * Lower-case words of three characters or more, camelCase and snake_case split, stop words out;
     * Chinese, Japanese and Korean text as its pairs of characters.
     */
    static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        for (String token : WORD_BREAKS.split(text)) {
            if (CjkPairs.hasCjk(token)) {
                for (String piece : CjkPairs.pieces(token)) {
                    if (CjkPairs.hasCjk(piece)) {
                        words.add(piece); // a pair of characters: a word of these scripts
                    } else {
                        words.addAll(words(piece));
                    }
                }
                continue;
            }
            for (String part : HUMPS.split(token)) {
                String word = part.toLowerCase(Locale.ROOT);
                if (word.length() >= 3 && !STOP_WORDS.contains(word)) {
                    words.add(word);
                }
            }
        }
        return words;
    }
}

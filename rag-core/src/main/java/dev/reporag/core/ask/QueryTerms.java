package dev.reporag.core.ask;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a question that look like code: camelCase and PascalCase names with two or more
 * humps, snake_case and CONSTANT_CASE, dotted names and paths, calls. A user types these to find
 * that exact code, so they get a keyword search of their own.
 */
final class QueryTerms {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,;:!?\"'`()\\[\\]{}<>=+*&|]+");
    private static final Pattern CODE_LIKE = Pattern.compile(
            "\\p{Ll}[\\p{L}\\p{N}]*\\p{Lu}[\\p{L}\\p{N}_]*"                // parseConfigFile
                    + "|\\p{Lu}\\p{Ll}[\\p{L}\\p{N}]*\\p{Lu}[\\p{L}\\p{N}_]*"   // CountDownLatch
                    + "|[\\p{L}\\p{N}]+(?:_[\\p{L}\\p{N}]+)+"                  // compute_shipping_cost, COUNT_BITS
                    + "|(?=[\\w-]*\\w\\w[./])[\\w-]+(?:[./][\\w-]+)*[./][\\w-]*\\w\\w"); // src/a/B.java, Map.Entry
    private static final int MAX_TERMS = 8;
    /** Text in double quotes, curly quotes or backticks, on one line. */
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\n]{3,200})\"|\u201C([^\u201D\\n]{3,200})\u201D"
            + "|`([^`\\n]{3,200})`");
    private static final int MAX_PHRASES = 3;
    /** In a quoted message, what a program usually filled in: a parenthesised or single-quoted value. */
    private static final Pattern FILLED_SPAN = Pattern.compile(
            "\\([^()\\n]*\\)|(?<![\\p{L}\\p{N}])'[^'\\n]*'(?![\\p{L}\\p{N}])");
    /** ... or a word holding a number, a path or an address, or a name of code. */
    private static final Pattern FILLED_WORD = Pattern.compile(".*[\\p{N}/\\\\@].*|" + CODE_LIKE.pattern());
    private static final Pattern EDGE_PUNCTUATION = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$");

    private QueryTerms() {
    }

    static List<String> identifiers(String question) {
        Set<String> found = new LinkedHashSet<>();
        for (String word : SEPARATORS.split(question)) {
            String w = word.replaceAll("^[.]+|[.]+$", "");
            if (!w.isEmpty() && CODE_LIKE.matcher(w).matches() && found.size() < MAX_TERMS) {
                found.add(w);
            }
        }
        return List.copyOf(found);
    }

    /**
     * What the user quoted: a pasted error message ("duplicate element:"), a line of code. Two words
     * or eight characters at least, so a quoted single short word stays an ordinary word.
     */
    static List<String> phrases(String question) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = QUOTED.matcher(question);
        while (m.find() && found.size() < MAX_PHRASES) {
            String quoted = (m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3)).strip();
            if (quoted.length() >= 8 || quoted.contains(" ")) {
                found.add(quoted);
            }
        }
        return List.copyOf(found);
    }

    /**
     * The constant parts of a quoted message, in order: the runs of two or more words between the
     * values a program filled in. "a project named 'shop' already exists for /home/me/shop" gives
     * "a project named" and "already exists for": the code that builds the message holds these
     * around its variables, while only copies of the output hold the message whole. Empty when
     * nothing in the phrase looks filled in.
     */
    static List<String> fragments(String phrase) {
        List<String> fragments = new ArrayList<>();
        boolean filled = false;
        Matcher spans = FILLED_SPAN.matcher(phrase);
        int from = 0;
        while (spans.find()) {
            filled = true;
            addFragments(phrase.substring(from, spans.start()), fragments);
            from = spans.end();
        }
        filled |= addFragments(phrase.substring(from), fragments);
        return filled ? List.copyOf(fragments) : List.of();
    }

    /** Adds the fragments of a stretch without filled-in spans; returns whether it had filled-in words. */
    private static boolean addFragments(String stretch, List<String> fragments) {
        boolean filled = false;
        List<String> words = new ArrayList<>();
        for (String token : stretch.strip().split("\\s+")) {
            if (FILLED_WORD.matcher(EDGE_PUNCTUATION.matcher(token).replaceAll("")).matches()) {
                filled = true;
                addFragment(words, fragments);
            } else {
                words.add(token);
            }
        }
        addFragment(words, fragments);
        return filled;
    }

    private static void addFragment(List<String> words, List<String> fragments) {
        String fragment = EDGE_PUNCTUATION.matcher(String.join(" ", words)).replaceAll("");
        if (fragment.split("[^\\p{L}\\p{N}]+").length >= 2) {
            fragments.add(fragment);
        }
        words.clear();
    }
}

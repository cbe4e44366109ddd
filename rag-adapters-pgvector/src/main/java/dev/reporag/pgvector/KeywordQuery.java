package dev.reporag.pgvector;

import dev.reporag.core.policy.CjkPairs;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a question into a tsquery for the chunks' keyword column: the same words the column
 * indexes (punctuation splits, camelCase split into parts as well as kept whole), lower-cased and
 * OR-ed, so "where is parseConfigFile defined?" matches a chunk that has only the identifier.
 * English stop words are left out, as the embedded store's analyzer does: OR-ed, "is" and "the"
 * would rank prose that repeats them above the code that holds the one word that matters. Chinese,
 * Japanese and Korean words are asked by their pairs of characters, as the column holds them
 * (V7_8). Terms are letters and digits only, so the result is always a valid tsquery.
 */
final class KeywordQuery {
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern CAMEL = Pattern.compile("(?<=[\\p{Ll}\\p{N}])(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})");
    private static final int MAX_TERMS = 64;
    /** Lucene's {@code EnglishAnalyzer.ENGLISH_STOP_WORDS_SET}, so both stores drop the same words. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by",
            "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their",
            "then", "there", "these", "they", "this", "to", "was", "will", "with");

    private KeywordQuery() {
    }

    /** The tsquery text, or empty when the question holds no word. */
    static String of(String question) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : NON_WORD.split(question)) {
            if (word.isEmpty()) {
                continue;
            }
            if (CjkPairs.hasCjk(word)) {
                // As reporag_cjk_pairs indexes it: pairs of characters, the rest of the word as usual.
                for (String piece : CjkPairs.pieces(word)) {
                    if (CjkPairs.hasCjk(piece)) {
                        addTerm(piece, terms);
                    } else {
                        addWord(piece, terms);
                    }
                }
                continue;
            }
            addWord(word, terms);
        }
        return String.join(" | ", terms.stream().limit(MAX_TERMS).toList());
    }

    private static void addWord(String word, Set<String> terms) {
        addTerm(word, terms);
        for (String part : CAMEL.split(word)) {
            addTerm(part, terms);
        }
    }

    private static void addTerm(String word, Set<String> terms) {
        String term = word.toLowerCase(Locale.ROOT);
        if (!STOP_WORDS.contains(term)) {
            terms.add(term);
        }
    }
}

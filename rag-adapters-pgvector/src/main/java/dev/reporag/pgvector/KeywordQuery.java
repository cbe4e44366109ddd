package dev.reporag.pgvector;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a question into a tsquery for the chunks' keyword column: the same words the column
 * indexes (punctuation splits, camelCase split into parts as well as kept whole), lower-cased and
 * OR-ed, so "where is parseConfigFile defined?" matches a chunk that has only the identifier.
 * Terms are letters and digits only, so the result is always a valid tsquery.
 */
final class KeywordQuery {
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern CAMEL = Pattern.compile("(?<=[\\p{Ll}\\p{N}])(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})");
    private static final int MAX_TERMS = 64;

    private KeywordQuery() {
    }

    /** The tsquery text, or empty when the question holds no word. */
    static String of(String question) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : NON_WORD.split(question)) {
            if (word.isEmpty()) {
                continue;
            }
            terms.add(word.toLowerCase(Locale.ROOT));
            for (String part : CAMEL.split(word)) {
                terms.add(part.toLowerCase(Locale.ROOT));
            }
        }
        return String.join(" | ", terms.stream().limit(MAX_TERMS).toList());
    }
}

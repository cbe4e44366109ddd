package dev.reporag.core.memory;

import dev.reporag.core.policy.CjkPairs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits text into lower-case terms, also splitting camelCase and snake_case identifiers. */
final class KeywordTerms {
    private KeywordTerms() {
    }

    /**
     * {@link #of}, with a run of Chinese, Japanese or Korean characters as its pairs
     * ({@link CjkPairs}), as the keyword indexes of both stores take them.
     */
    static List<String> forSearch(String text) {
        List<String> terms = new ArrayList<>();
        for (String term : of(text)) {
            if (CjkPairs.hasCjk(term)) {
                terms.addAll(CjkPairs.pieces(term));
            } else {
                terms.add(term);
            }
        }
        return terms;
    }

    static List<String> of(String text) {
        List<String> terms = new ArrayList<>();
        for (String word : text.split("[^\\p{L}\\p{N}_]+")) {
            if (word.isEmpty()) {
                continue;
            }
            terms.add(word.toLowerCase(Locale.ROOT));
            String[] parts = word.split("_|(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})");
            if (parts.length > 1) {
                for (String part : parts) {
                    if (part.length() > 1) {
                        terms.add(part.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return terms;
    }
}

package dev.reporag.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits text into lower-case terms, also splitting camelCase and snake_case identifiers. */
final class KeywordTerms {
    private KeywordTerms() {
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

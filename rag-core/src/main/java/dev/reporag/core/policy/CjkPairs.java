package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyword terms for Chinese, Japanese and Korean text, which does not put spaces between words:
 * a run of such characters ("异步函数") was one term, which no question matches. It is indexed and
 * asked as its overlapping pairs of characters (异步, 步函, 函数), as search engines do for these
 * scripts; a character alone is a term of its own. Every keyword index here (the embedded store's
 * analyzer, PostgreSQL's {@code reporag_cjk_pairs}, the in-memory store) splits the same
 * characters: those of the ranges below.
 */
public final class CjkPairs {
    private CjkPairs() {
    }

    /** Hiragana, Katakana, CJK ideographs (and extension A, and compatibility ones), Hangul syllables. */
    public static boolean isCjk(char c) {
        return (c >= '\u3040' && c <= '\u30ff') || (c >= '\u3400' && c <= '\u4dbf') || (c >= '\u4e00' && c <= '\u9fff')
                || (c >= '\uac00' && c <= '\ud7af') || (c >= '\uf900' && c <= '\ufaff');
    }

    public static boolean hasCjk(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (isCjk(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A word split into its pieces: each run of other characters whole, each run of CJK
     * characters as its pairs ("Promise对象" gives "Promise", "对象").
     */
    public static List<String> pieces(String word) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        while (i < word.length()) {
            boolean cjk = isCjk(word.charAt(i));
            int end = i;
            while (end < word.length() && isCjk(word.charAt(end)) == cjk) {
                end++;
            }
            if (!cjk) {
                pieces.add(word.substring(i, end));
            } else if (end - i == 1) {
                pieces.add(word.substring(i, end));
            } else {
                for (int p = i; p + 1 < end; p++) {
                    pieces.add(word.substring(p, p + 2));
                }
            }
            i = end;
        }
        return pieces;
    }
}

package dev.reporag.local;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Terms for code and paths: words are runs of letters, digits and '_', kept whole
 * ({@code parseconfigfile}) and also split at camelCase, snake_case and digit boundaries
 * ({@code parse}, {@code config}, {@code file}), lower-cased, English stop words dropped; Chinese,
 * Japanese and Korean text, written without spaces, as its pairs of characters ({@link CjkPairsFilter}).
 *
 * <p>The same for indexing and queries. Lucene asks for a {@code FlattenGraphFilter} after the word
 * splitter when indexing, because the index cannot hold the token graph's position lengths; only
 * positions lose by it, and no search here reads positions (no phrase queries): the terms, their
 * frequencies and each text's length — all that BM25 scores — are the same flattened or not
 * ({@code CodeAnalyzerTest}). Flattening took half the analysis time of every write.
 */
final class CodeAnalyzer extends Analyzer {
    private static final int FLAGS = WordDelimiterGraphFilter.GENERATE_WORD_PARTS
            | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
            | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
            | WordDelimiterGraphFilter.PRESERVE_ORIGINAL;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer words = CharTokenizer.fromTokenCharPredicate(c -> Character.isLetterOrDigit(c) || c == '_');
        TokenStream stream = new WordDelimiterGraphFilter(new CjkPairsFilter(words), FLAGS, null);
        stream = new LowerCaseFilter(stream);
        stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        return new TokenStreamComponents(words, stream);
    }

    /** The distinct terms of a text, in order of first appearance. */
    Set<String> terms(String field, String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = tokenStream(field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing text in memory cannot fail", e);
        }
        return terms;
    }
}

package dev.reporag.local;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index takes the word splitter's tokens unflattened: what BM25 reads of them must be what the
 * flattened tokens Lucene asks for would give, on code of every shape.
 */
class CodeAnalyzerTest {
    private static final List<String> ODD_TEXTS = List.of(
            "parseConfigFile(HTTPServer2XML, __init__, a1b2_C3d) // the end",
            "SCREAMING_SNAKE_CASE snake_case_word camelCaseWord PascalCaseWord x86_64 utf8Decoder",
            "the a an of __ _ 123 4.5e10 0xFFee v1.2.3-rc1 i18n k8sClusterName",
            "Ünïcödé naïveCafé 数据库Connection emoji🙂Word tab\tand\nnewlines",
            "foo.bar.baz(qux) => { return a+b; } <html><Body class=\"x-y\"></Body></html>",
            "");

    @Test
    void termsFrequenciesAndLengthsAreThoseOfTheFlattenedTokens() throws IOException {
        List<String> texts = new ArrayList<>(ODD_TEXTS);
        texts.addAll(sourcesOfThisModule());
        assertThat(texts).hasSizeGreaterThan(100);
        try (CodeAnalyzer analyzer = new CodeAnalyzer(); Analyzer flattened = flattened()) {
            for (String text : texts) {
                assertThat(signature(analyzer, text)).as(text).isEqualTo(signature(flattened, text));
            }
        }
    }

    @Test
    void theIndexTakesItsTokens() throws IOException {
        List<String> texts = new ArrayList<>(ODD_TEXTS);
        texts.addAll(sourcesOfThisModule());
        try (IndexWriter writer = new IndexWriter(new ByteBuffersDirectory(), new IndexWriterConfig(new CodeAnalyzer()))) {
            for (String text : texts) {
                Document doc = new Document();
                doc.add(new TextField("text", text, Field.Store.NO));
                writer.addDocument(doc);
            }
            writer.commit();
            assertThat(writer.getDocStats().numDocs).isEqualTo(texts.size());
        }
    }

    @Test
    void splitsCodeWordsAndKeepsThemWhole() {
        assertThat(new CodeAnalyzer().terms("text", "parseConfigFile the snake_case2"))
                .containsExactly("parseconfigfile", "parse", "config", "file", "snake_case2", "snake", "case", "2");
    }

    @Test
    void chineseJapaneseAndKoreanTextIsIndexedAsPairsOfCharacters() {
        assertThat(new CodeAnalyzer().terms("text", "数据库Connection 非同期処理 비동기 값"))
                .containsExactly("数据", "据库", "connection", "非同", "同期", "期処", "処理", "비동", "동기", "값");
    }

    /** Term frequencies, tokens, and tokens at the position of the one before: BM25's inputs. */
    private record Signature(Map<String, Integer> frequencies, int length, int overlaps) {
    }

    private static Signature signature(Analyzer analyzer, String text) throws IOException {
        Map<String, Integer> frequencies = new TreeMap<>();
        int length = 0;
        int overlaps = 0;
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                frequencies.merge(term.toString(), 1, Integer::sum);
                length++;
                if (increment.getPositionIncrement() == 0) {
                    overlaps++;
                }
            }
            stream.end();
        }
        return new Signature(frequencies, length, overlaps);
    }

    /** The chain as Lucene documents it for indexing: the splitter's graph flattened. */
    private static Analyzer flattened() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer words = CharTokenizer.fromTokenCharPredicate(c -> Character.isLetterOrDigit(c) || c == '_');
                TokenStream stream = new FlattenGraphFilter(new WordDelimiterGraphFilter(new CjkPairsFilter(words),
                        WordDelimiterGraphFilter.GENERATE_WORD_PARTS | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
                                | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
                                | WordDelimiterGraphFilter.PRESERVE_ORIGINAL, null));
                stream = new LowerCaseFilter(stream);
                stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                return new TokenStreamComponents(words, stream);
            }
        };
    }

    /** This module's sources and docs, in pieces of a chunk's size. */
    private static List<String> sourcesOfThisModule() throws IOException {
        List<String> pieces = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                for (int i = 0; i < text.length(); i += 1000) {
                    pieces.add(text.substring(i, Math.min(text.length(), i + 1000)));
                }
            }
        }
        return pieces;
    }
}

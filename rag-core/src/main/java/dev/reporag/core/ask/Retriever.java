package dev.reporag.core.ask;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.Languages;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.CodePaths;
import dev.reporag.core.policy.RankFusion;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the chunks of a project that answer a question: hybrid retrieval (vectors and keywords,
 * fused by rank; chunks holding a quoted phrase verbatim first). {@link AskService} turns the best
 * into numbered sources; an evaluation ranks files by it. See docs/retrieval.md.
 */
public final class Retriever {
    /** Keyword candidates searched for chunks holding a quoted phrase: per source wanted, and at most. */
    private static final int VERBATIM_CANDIDATES = 12;
    private static final int MAX_VERBATIM_CANDIDATES = 200;
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    /** Words that make a question about tests: then test code is not demoted. */
    private static final Pattern ABOUT_TESTS = Pattern.compile(
            "(?i)\\b(?:tests?|tested|testing|specs?|fixtures?|mocks?|assert\\w*)\\b");
    /** Weight of a test chunk's score when the question is not about tests. */
    private static final double TEST_WEIGHT = 0.5;

    /** Code beside the program: test fixtures, examples, samples, benchmarks, demos, generated code. */
    private static final Pattern NON_MAIN_PATH = Pattern.compile("(?i)(?:^|/)(?:test-?fixtures|_?examples?|samples?"
            + "|benchmarks?|demos?|generated)/");
    /** Words that make a question about such code: then it is not demoted. */
    private static final Pattern ABOUT_NON_MAIN = Pattern.compile(
            "(?i)\\b(?:fixtures?|examples?|samples?|benchmarks?|demos?|generated)\\b");
    /** Share of the smaller word set two same-named files' best chunks must share to be copies of one file. */
    private static final double COPY_OVERLAP = 0.7;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]{2,}");

    private final VectorStore store;
    private final Function<String, float[]> embedQuestion;
    private final RetrievalOptions options;

    /** @param embedQuestion the question's vector: the process's dispatcher, which gives questions priority */
    public Retriever(VectorStore store, Function<String, float[]> embedQuestion) {
        this(store, embedQuestion, RetrievalOptions.DEFAULT);
    }

    public Retriever(VectorStore store, Function<String, float[]> embedQuestion, RetrievalOptions options) {
        this.store = store;
        this.embedQuestion = embedQuestion;
        this.options = options;
    }

    /** The best {@code k} sources for a question, overlapping chunks of a file merged. */
    public List<Chunk> sources(ProjectId projectId, String query, int k) {
        return Sources.merge(ranked(projectId, query, k), k);
    }

    /** The files of the best chunks, best first, each once, at most {@code n}. */
    public List<String> files(ProjectId projectId, String query, int n) {
        Set<String> files = new LinkedHashSet<>();
        for (ScoredChunk hit : ranked(projectId, query, n)) {
            files.add(hit.chunk().path());
            if (files.size() == n) {
                break;
            }
        }
        return List.copyOf(files);
    }

    /** Chunks ranked for a question, about {@code depth × k} of them (see {@link RetrievalOptions}). */
    List<ScoredChunk> ranked(ProjectId projectId, String query, int k) {
        int wide = k * options.depth();
        float[] vector = embedQuestion.apply(query);
        List<ScoredChunk> byVector = store.vectorSearch(projectId, vector, wide);
        List<ScoredChunk> byKeyword = store.keywordSearch(projectId, query, wide);
        List<String> identifiers = QueryTerms.identifiers(query);
        List<ScoredChunk> fused = identifiers.isEmpty()
                ? RankFusion.fuse(List.of(byVector, byKeyword), wide)
                // Code-like words alone, as a third ranking: the chunks that hold them rise above
                // those that merely share the question's ordinary words.
                : RankFusion.fuse(List.of(byVector, byKeyword,
                        store.keywordSearch(projectId, String.join(" ", identifiers), wide)), wide);
        if (options.demoteTests() && !aboutTests(query)) {
            fused = reweighted(fused);
        }
        if (options.demoteNonMain() && !aboutNonMain(query)) {
            fused = reweighted(fused, Retriever::nonMain);
        }
        if (options.namedFiles() && !identifiers.isEmpty()) {
            fused = named(fused, identifiers);
        }
        if (options.collapseCopies()) {
            fused = copiesLast(fused);
        }
        if (options.mainLanguage()) {
            fused = otherLanguagesDemoted(fused, query);
        }
        List<String> phrases = QueryTerms.phrases(query);
        return phrases.isEmpty() ? fused : verbatimFirst(projectId, phrases, fused, k);
    }

    static boolean aboutTests(String query) {
        return ABOUT_TESTS.matcher(query).find();
    }

    /** Test chunks at {@link #TEST_WEIGHT} of their score, then in score order again. */
    static List<ScoredChunk> reweighted(List<ScoredChunk> fused) {
        return reweighted(fused, CodePaths::isTest);
    }

    /** Chunks of the paths that {@code demoted} accepts at {@link #TEST_WEIGHT} of their score, then in score order again. */
    static List<ScoredChunk> reweighted(List<ScoredChunk> fused, Predicate<String> demoted) {
        return fused.stream()
                .map(hit -> demoted.test(hit.chunk().path()) ? new ScoredChunk(hit.chunk(), hit.score() * TEST_WEIGHT)
                        : hit)
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed())
                .toList();
    }

    /**
     * Chunks of a file named by a code-like word of the question ({@code DeleteSucceededJobsTask} →
     * {@code DeleteSucceededJobsTask.java}) at twice their score, then in score order again: a
     * sibling class sharing the question's vocabulary otherwise ranks as high.
     */
    static List<ScoredChunk> named(List<ScoredChunk> fused, List<String> identifiers) {
        Set<String> names = new HashSet<>();
        identifiers.forEach(identifier -> names.add(identifier.toLowerCase(Locale.ROOT)));
        return fused.stream()
                .map(hit -> names.contains(stem(hit.chunk().path())) ? new ScoredChunk(hit.chunk(), hit.score() * 2)
                        : hit)
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed())
                .toList();
    }

    private static String stem(String path) {
        String name = fileName(path);
        int dot = name.indexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    /**
     * Chunks in a programming language other than the one most candidate chunks are in, at
     * {@link #TEST_WEIGHT} of their score unless the question names that language: the code that
     * computes a value, not the dashboard in another language that displays it. Markup, data and
     * configuration are left as they are.
     */
    static List<ScoredChunk> otherLanguagesDemoted(List<ScoredChunk> fused, String query) {
        Map<String, Integer> counts = new HashMap<>();
        fused.stream().map(hit -> hit.chunk().language()).filter(CodePaths::isProgramming)
                .forEach(language -> counts.merge(language, 1, Integer::sum));
        if (counts.size() < 2) {
            return fused;
        }
        String main = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String asked = query.toLowerCase(Locale.ROOT);
        return reweighted(fused, path -> {
            String language = Languages.ofPath(path);
            return CodePaths.isProgramming(language) && !language.equals(main) && !asked.contains(language);
        });
    }

    static boolean aboutNonMain(String query) {
        return ABOUT_NON_MAIN.matcher(query).find();
    }

    /** Test code is left to the test demotion, so that a test fixture does not count for a quarter. */
    static boolean nonMain(String path) {
        return NON_MAIN_PATH.matcher(path).find() && !CodePaths.isTest(path);
    }

    /**
     * Every chunk of a near copy of a file ranked higher goes after all other chunks, in its order: a
     * copy is a file of the same name whose best chunk shares {@link #COPY_OVERLAP} of the words of
     * that file's best chunk (the smaller set counted). Six dialect copies of one SQL migration, or a
     * module copied for each framework version, would otherwise fill the sources with one text.
     */
    static List<ScoredChunk> copiesLast(List<ScoredChunk> ranked) {
        Map<String, Set<String>> originals = new LinkedHashMap<>();
        Set<String> copies = new HashSet<>();
        List<ScoredChunk> first = new ArrayList<>();
        List<ScoredChunk> last = new ArrayList<>();
        for (ScoredChunk hit : ranked) {
            String path = hit.chunk().path();
            if (!originals.containsKey(path) && !copies.contains(path)) {
                Set<String> words = words(hit.chunk().text());
                String name = fileName(path);
                boolean copy = originals.entrySet().stream().anyMatch(original ->
                        fileName(original.getKey()).equals(name) && overlap(words, original.getValue()) >= COPY_OVERLAP);
                if (copy) {
                    copies.add(path);
                } else {
                    originals.put(path, words);
                }
            }
            (copies.contains(path) ? last : first).add(hit);
        }
        first.addAll(last);
        return first;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    private static double overlap(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> smaller = a.size() <= b.size() ? a : b;
        Set<String> larger = smaller == a ? b : a;
        return smaller.stream().filter(larger::contains).count() / (double) smaller.size();
    }

    /**
     * Chunks that hold a quoted phrase go first, taking up to half the sources: a pasted error
     * message finds the line that throws it, which ranks below the many chunks that merely share its
     * words. In that first half, code that spells the message out comes first; then chunks that hold
     * its constant parts in order but not the message whole, as when values were filled in ('shop',
     * 403, a path): they build it; then docs and tests that hold it whole, which copy the output.
     * Candidates come from a keyword search, wide, as such a line can be one word among many. Case
     * and runs of white space are ignored.
     */
    private List<ScoredChunk> verbatimFirst(ProjectId projectId, List<String> phrases, List<ScoredChunk> fused, int k) {
        List<String> wanted = phrases.stream().map(Retriever::normalized).toList();
        List<List<String>> constantParts = phrases.stream()
                .map(phrase -> QueryTerms.fragments(phrase).stream().map(Retriever::normalized).toList())
                .toList();
        List<ScoredChunk> spelledOut = new ArrayList<>();
        List<ScoredChunk> assembled = new ArrayList<>();
        List<ScoredChunk> copied = new ArrayList<>();
        for (ScoredChunk hit : store.keywordSearch(projectId, String.join(" ", phrases),
                Math.min(k * VERBATIM_CANDIDATES, MAX_VERBATIM_CANDIDATES))) {
            String text = normalized(hit.chunk().text());
            if (wanted.stream().anyMatch(text::contains)) {
                (copiesOutput(hit.chunk()) ? copied : spelledOut).add(hit);
            } else if (constantParts.stream().anyMatch(parts -> containsInOrder(text, parts))) {
                assembled.add(hit);
            }
        }
        List<ScoredChunk> first = Stream.of(spelledOut, assembled, copied).flatMap(List::stream)
                .limit(Math.max(1, k / 2))
                .toList();
        if (first.isEmpty()) {
            return fused;
        }
        List<ScoredChunk> ranked = new ArrayList<>(first);
        Set<String> ids = new HashSet<>();
        first.forEach(hit -> ids.add(hit.chunk().id()));
        fused.stream().filter(hit -> !ids.contains(hit.chunk().id())).forEach(ranked::add);
        return ranked;
    }

    /** Docs, plain text and tests: where a program's output is quoted rather than produced. */
    static boolean copiesOutput(Chunk chunk) {
        return chunk.language().equals("markdown") || chunk.language().equals("text")
                || CodePaths.isTest(chunk.path());
    }

    private static boolean containsInOrder(String text, List<String> parts) {
        if (parts.isEmpty()) {
            return false;
        }
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            if (at < 0) {
                return false;
            }
            from = at + part.length();
        }
        return true;
    }

    private static String normalized(String text) {
        return WHITE_SPACE.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
    }
}

package dev.reporag.core.ask;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.policy.CodePaths;
import dev.reporag.core.policy.RankFusion;
import dev.reporag.core.port.VectorStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
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
        return ChunkMerger.merge(ranked(projectId, query, k), k);
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
        List<String> phrases = QueryTerms.phrases(query);
        return phrases.isEmpty() ? fused : verbatimFirst(projectId, phrases, fused, k);
    }

    static boolean aboutTests(String query) {
        return ABOUT_TESTS.matcher(query).find();
    }

    /** Test chunks at {@link #TEST_WEIGHT} of their score, then in score order again. */
    static List<ScoredChunk> reweighted(List<ScoredChunk> fused) {
        return fused.stream()
                .map(hit -> CodePaths.isTest(hit.chunk().path()) ? new ScoredChunk(hit.chunk(), hit.score() * TEST_WEIGHT)
                        : hit)
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed())
                .toList();
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

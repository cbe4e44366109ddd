package dev.reporag.core.eval;

import dev.reporag.core.ingest.RepositoryRuleFiles;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.CodePaths;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.Snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The label procedure and the scoring of issue 18: questions made from a repository's history and
 * doc comments, asked of an {@link EvalIndex} that is given, tree by tree, exactly the files the
 * filter lets in of each tree a question is asked of. See docs/retrieval.md ("Evaluating").
 */
public final class Evaluation {
    /** Commits of history read to find questions. */
    public static final int HISTORY_DEPTH = 1000;
    /** Files given to the index in one call. */
    private static final int PUT_BATCH = 200;

    /** Questions made for a repository, and what limited them. */
    public record Questions(List<EvalQuestion> questions, List<String> notes) {
        public Questions {
            questions = List.copyOf(questions);
            notes = List.copyOf(notes);
        }
    }

    private Evaluation() {
    }

    /**
     * Up to {@code historyCount} questions from the history of {@code snapshot} (newest first) and
     * up to {@code docCount} from the doc comments of its files (one per file, in an order fixed by
     * the commit and the path, so a re-run asks the same). A first sentence found in two places is
     * left out: its file would be ambiguous.
     */
    public static Questions make(Snapshot snapshot, FileFilter settingsFilter, int historyCount, int docCount) {
        FileFilter filter = settingsFilter.forRepository(RepositoryRuleFiles.read(snapshot, settingsFilter));
        List<String> notes = new ArrayList<>();
        List<CommitInfo> history = snapshot.history(HISTORY_DEPTH);
        List<EvalQuestion> fromHistory = HistoryLabels.questions(history,
                path -> filter.checkPath(SourceFile.regular(path, 1, "0")).isEmpty(), historyCount);
        if (fromHistory.size() < historyCount) {
            notes.add(history.size() < 2
                    ? "history: " + (history.isEmpty() ? "no commit" : "1 commit") + " of history is available (a repository with one commit,"
                            + " or a source that keeps no history), so no question was made from it"
                    : "history: " + fromHistory.size() + " of the " + history.size() + " commits read change 1-"
                            + HistoryLabels.MAX_FILES + " source files in place with a subject that describes"
                            + " a change (" + historyCount + " wanted)");
        }
        List<EvalQuestion> fromDocs = docQuestions(snapshot, filter, docCount);
        if (fromDocs.size() < docCount) {
            notes.add("doc comments: " + fromDocs.size() + " source files have a function or method doc comment"
                    + " whose first sentence makes a question (" + docCount + " wanted)");
        }
        List<EvalQuestion> all = new ArrayList<>(fromHistory);
        all.addAll(fromDocs);
        // A documentation repository's sections are what it answers; so are a code base's manual's,
        // when the project's own rules index it (--include 'docs/**').
        boolean documentation = filter.keepsDocumentation();
        List<EvalQuestion> fromHeadings = headingQuestions(snapshot, filter, docCount, documentation
                ? Headings::isDocument : path -> Headings.isDocument(path) && FileFilter.isDocumentationFile(path));
        if (documentation || !fromHeadings.isEmpty()) {
            if (fromHeadings.size() < docCount) {
                notes.add("headings: " + fromHeadings.size() + " documents have a section heading of "
                        + Headings.MIN_WORDS + " to " + Headings.MAX_WORDS + " words found in no other (" + docCount
                        + " wanted)");
            }
            all.addAll(fromHeadings);
        }
        return new Questions(all, notes);
    }

    /** A place a question can be made of: a file's lines, hidden when it is asked, and their sentence. */
    private record Candidate(String path, int startLine, int endLine, String sentence) {
    }

    private static List<EvalQuestion> headingQuestions(Snapshot snapshot, FileFilter filter, int count,
                                                       java.util.function.Predicate<String> documents) {
        return questionsOf(snapshot, filter, count, EvalQuestion.HEADING, documents,
                (path, text) -> Headings.find(path, text).stream()
                        .map(h -> new Candidate(path, h.line(), h.line(), h.text())).toList());
    }

    private static List<EvalQuestion> docQuestions(Snapshot snapshot, FileFilter filter, int count) {
        return questionsOf(snapshot, filter, count, EvalQuestion.DOC, CodePaths::isMainSource,
                (path, text) -> DocComments.find(path, text).stream()
                        .map(c -> new Candidate(path, c.startLine(), c.endLine(), c.sentence())).toList());
    }

    /** The candidates {@code find} sees in the indexed text of the files {@code reads} names, made questions. */
    private static List<EvalQuestion> questionsOf(Snapshot snapshot, FileFilter filter, int count, String kind,
                                                  java.util.function.Predicate<String> reads,
                                                  java.util.function.BiFunction<String, String, List<Candidate>> find) {
        if (count <= 0) {
            return List.of();
        }
        List<Candidate> candidates = new ArrayList<>();
        try (Stream<SourceFile> files = snapshot.files()) {
            files.filter(f -> reads.test(f.path()) && filter.checkPath(f).isEmpty()).forEach(file -> {
                FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
                if (decoded.isText()) {
                    candidates.addAll(find.apply(file.path(), decoded.text()));
                }
            });
        }
        return onePerFile(candidates, snapshot.commit(), count, kind);
    }

    /**
     * Up to {@code count} questions, one per file, in an order fixed by the commit and the path; a
     * sentence found in two places is left out: its file would be ambiguous.
     */
    private static List<EvalQuestion> onePerFile(List<Candidate> candidates, String seed, int count, String kind) {
        Map<String, Long> places = candidates.stream()
                .collect(Collectors.groupingBy(c -> normalized(c.sentence()), Collectors.counting()));
        Map<String, Candidate> onePerFile = new TreeMap<>();
        candidates.stream()
                .filter(c -> places.get(normalized(c.sentence())) == 1)
                .sorted(Comparator.comparing(c -> order(seed, c.path() + '\n' + c.startLine())))
                .forEach(c -> onePerFile.putIfAbsent(c.path(), c));
        return onePerFile.values().stream()
                .sorted(Comparator.comparing(c -> order(seed, c.path())))
                .limit(count)
                .map(c -> new EvalQuestion(c.sentence(), kind, Set.of(c.path()), seed,
                        new EvalQuestion.Hidden(c.path(), c.startLine(), c.endLine()), c.path() + ":" + c.startLine()))
                .toList();
    }

    /** A fixed pseudo-random order: the same commit and key always sort the same way. */
    private static String order(String seed, String key) {
        return Integer.toHexString((seed + '\n' + key).hashCode() * 0x9E3779B1) + key;
    }

    private static String normalized(String sentence) {
        // Letters of every script: a sentence in Chinese is not "" (equal to every other one).
        return sentence.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** The trees questions are asked of: a commit, and whether doc comments are hidden in it. */
    private record Tree(String commit, boolean hiding) {
    }

    /**
     * Asks every question of {@code index}, tree by tree: the index is brought to each tree by
     * adding, replacing and removing only the files that differ from the tree before. A question
     * whose expected files are not indexed in its tree (over the size limit there, not text) is
     * left out, and a note says how many.
     *
     * @param snapshot the commit the questions were made at, with its history
     * @param progress hears a line per tree
     */
    public static EvalReport run(Snapshot snapshot, FileFilter filter, List<EvalQuestion> questions, EvalIndex index,
                                 Consumer<String> progress) {
        Map<Tree, List<EvalQuestion>> byTree = new LinkedHashMap<>();
        // The evaluated commit first, then history from newest to oldest: each step changes little.
        List<String> order = new ArrayList<>();
        order.add(snapshot.commit());
        questions.stream().map(EvalQuestion::commit).filter(c -> !order.contains(c)).forEach(order::add);
        for (String commit : order) {
            for (boolean hiding : List.of(true, false)) {
                List<EvalQuestion> asked = questions.stream()
                        .filter(q -> q.commit().equals(commit) && (q.hidden() != null) == hiding).toList();
                if (!asked.isEmpty()) {
                    byTree.put(new Tree(commit, hiding), asked);
                }
            }
        }
        Replay replay = new Replay(filter, index);
        List<EvalReport.Result> results = new ArrayList<>();
        int dropped = 0;
        int step = 0;
        for (Map.Entry<Tree, List<EvalQuestion>> entry : byTree.entrySet()) {
            Tree tree = entry.getKey();
            step++;
            Map<String, List<EvalQuestion.Hidden>> hidden = new HashMap<>();
            if (tree.hiding()) {
                entry.getValue().forEach(q -> hidden.computeIfAbsent(q.hidden().path(), p -> new ArrayList<>())
                        .add(q.hidden()));
            }
            int changed;
            if (tree.commit().equals(snapshot.commit())) {
                changed = replay.moveTo(snapshot, hidden);
            } else {
                try (Snapshot earlier = snapshot.at(tree.commit())) {
                    changed = replay.moveTo(earlier, hidden);
                }
            }
            progress.accept("tree " + step + "/" + byTree.size() + " (" + tree.commit().substring(0,
                    Math.min(10, tree.commit().length())) + "): " + changed + " files indexed, "
                    + entry.getValue().size() + " questions");
            for (EvalQuestion question : entry.getValue()) {
                Set<String> expected = new HashSet<>(question.expected());
                expected.retainAll(replay.searchable);
                if (expected.isEmpty()) {
                    dropped++;
                    continue;
                }
                List<String> top = index.rank(question.text(), EvalReport.DEPTH);
                int rank = 0;
                for (int i = 0; i < top.size() && rank == 0; i++) {
                    if (expected.contains(top.get(i))) {
                        rank = i + 1;
                    }
                }
                results.add(new EvalReport.Result(question, rank, top));
            }
        }
        List<String> notes = new ArrayList<>();
        if (dropped > 0) {
            notes.add(dropped + " questions left out: their files are not indexed in the tree they are asked of");
        }
        Map<String, EvalReport.Score> byKind = new TreeMap<>();
        results.stream().map(r -> r.question().kind()).distinct().forEach(kind -> byKind.put(kind,
                EvalReport.Score.of(results.stream().filter(r -> r.question().kind().equals(kind)).toList())));
        return new EvalReport(snapshot.commit(), EvalReport.Score.of(results), byKind, results, notes);
    }

    /** What the index holds, and how it is brought from one tree to the next. */
    private static final class Replay {
        private final FileFilter filter;
        private final EvalIndex index;
        /** Path to the version indexed: the blob id, and the lines hidden. */
        private final Map<String, String> indexed = new HashMap<>();
        /** Paths indexed as text (the rest of {@link #indexed} was binary or not UTF-8). */
        private final Set<String> searchable = new HashSet<>();

        Replay(FileFilter filter, EvalIndex index) {
            this.filter = filter;
            this.index = index;
        }

        /** Returns how many files were read and given to the index. */
        int moveTo(Snapshot tree, Map<String, List<EvalQuestion.Hidden>> hidden) {
            Map<String, SourceFile> wanted = new LinkedHashMap<>();
            Map<String, String> versions = new HashMap<>();
            FileFilter treeFilter = filter.forRepository(RepositoryRuleFiles.read(tree, filter));
            try (Stream<SourceFile> files = tree.files()) {
                files.filter(f -> treeFilter.checkPath(f).isEmpty()).forEach(f -> {
                    String version = f.blobId() + hidden.getOrDefault(f.path(), List.of()).stream()
                            .map(h -> "#" + h.startLine() + "-" + h.endLine()).collect(Collectors.joining());
                    versions.put(f.path(), version);
                    if (!version.equals(indexed.get(f.path()))) {
                        wanted.put(f.path(), f);
                    }
                });
            }
            Set<String> gone = new LinkedHashSet<>(indexed.keySet());
            gone.removeAll(versions.keySet());
            if (!gone.isEmpty()) {
                index.remove(gone);
                gone.forEach(path -> {
                    indexed.remove(path);
                    searchable.remove(path);
                });
            }
            Map<String, String> batch = new LinkedHashMap<>();
            Set<String> notText = new LinkedHashSet<>();
            for (SourceFile file : wanted.values()) {
                FileFilter.Decoded decoded = treeFilter.decode(file, tree.read(file)); // its limits: a book's 2 MB
                indexed.put(file.path(), versions.get(file.path()));
                if (decoded.isText()) {
                    batch.put(file.path(), withoutHidden(decoded.text(), hidden.getOrDefault(file.path(), List.of())));
                    searchable.add(file.path());
                } else if (searchable.remove(file.path())) {
                    notText.add(file.path());
                }
                if (batch.size() >= PUT_BATCH) {
                    index.put(batch);
                    batch.clear();
                }
            }
            index.put(batch);
            if (!notText.isEmpty()) {
                index.remove(notText);
            }
            return wanted.size();
        }

        private static String withoutHidden(String text, List<EvalQuestion.Hidden> hidden) {
            String result = text;
            // From the bottom up, so the line numbers of the others still hold.
            for (EvalQuestion.Hidden h : hidden.stream()
                    .sorted(Comparator.comparingInt(EvalQuestion.Hidden::startLine).reversed()).toList()) {
                result = DocComments.remove(result, h.startLine(), h.endLine());
            }
            return Objects.requireNonNull(result);
        }
    }
}

package dev.reporag.bench;

import dev.reporag.core.ask.RetrievalOptions;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.eval.EvalQuestion;
import dev.reporag.core.eval.EvalReport;
import dev.reporag.core.eval.Evaluation;
import dev.reporag.core.eval.StoreEvalIndex;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.local.LocalEmbedder;
import dev.reporag.local.LocalModel;
import dev.reporag.local.LocalStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The multi-repository benchmark of issue 18: on each repository of {@code repositories.tsv}, pinned
 * at its commit, repo-rag's default (LocalEmbedder + LocalStore, hybrid retrieval) against
 * LangChain4j's default recipe ({@link RecipeIndex}), on the same files and the same questions in the
 * same run: the label procedure's questions (history, doc comments: {@link Evaluation}) and the
 * hand-written held-out set; then indexing time and peak RSS of both ({@link IndexingRun}).
 *
 * <pre>
 * mvn -B -q -pl rag-bench exec:java -Dexec.mainClass=dev.reporag.bench.MultiRepoBench [-Dbench.…]
 * </pre>
 *
 * Properties: {@code bench.repos} (names or owner+name, comma-separated; default the nine of
 * repositories.tsv; those of repositories-extra.tsv run only when named),
 * {@code bench.mirrors} (/work/.mirror: where {@code fetch} put the Git directories),
 * {@code bench.questions} (40: per kind, history and doc), {@code bench.heldout} (true: also the
 * held-out set), {@code bench.retrieval} / {@code bench.indexing} (true: which parts run),
 * {@code bench.dir} (keeps the vectors computed, so a re-run embeds nothing it has seen; figures to
 * publish come from a run without it), {@code bench.verbose} (every question's ranks).
 */
public final class MultiRepoBench {
    private static final PrintStream OUT = System.out;

    private MultiRepoBench() {
    }

    /** One repository's scores, for the summary; {@code variants} when several technique sets were measured. */
    record Row(String repository, EvalReport rag, EvalReport recipe, Map<String, EvalReport> variants) {
    }

    public static void main(String[] args) throws Exception {
        Path mirrors = Path.of(System.getProperty("bench.mirrors", "/work/.mirror"));
        int perKind = Integer.getInteger("bench.questions", 40);
        boolean heldOut = Boolean.parseBoolean(System.getProperty("bench.heldout", "true"));
        boolean dev = Boolean.parseBoolean(System.getProperty("bench.dev", "true"));
        boolean retrieval = Boolean.parseBoolean(System.getProperty("bench.retrieval", "true"));
        boolean indexing = Boolean.parseBoolean(System.getProperty("bench.indexing", "true"));
        boolean verbose = Boolean.getBoolean("bench.verbose");
        String keep = System.getProperty("bench.dir");
        Path work = Files.createTempDirectory("multi-repo-bench");
        Path caches = keep == null ? null : Path.of(keep);
        List<String> wanted = Arrays.stream(System.getProperty("bench.repos", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<BenchRepository> all = BenchRepository.all();
        List<BenchRepository> known = new ArrayList<>(all);
        known.addAll(BenchRepository.extra());
        // In the order asked for, else in the file's order.
        List<BenchRepository> repositories = wanted.isEmpty() ? all : wanted.stream()
                .map(w -> known.stream().filter(r -> r.name().equals(w) || r.key().equals(w)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no repository " + w + " in the list")))
                .toList();
        OUT.printf("machine: %d cores, Java %s; %d repositories; %d questions per kind%s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), repositories.size(),
                perKind, (dev ? " + dev hand-written" : "") + (heldOut ? " + held-out" : ""));
        List<Row> rows = new ArrayList<>();
        List<IndexingRun.Result> timings = new ArrayList<>();
        RagSettings settings = productSettings();
        try (LocalEmbedder embedder = embedder()) {
            JGitRepositorySource source = new JGitRepositorySource(GitSourceSettings.defaults(work.resolve("git"))
                    .withAllowLocalSources(true));
            for (BenchRepository repository : repositories) {
                Path gitDir = work.resolve("copies").resolve(repository.key());
                if (MirrorCopy.copy(repository.gitDir(mirrors), repository.commit(), gitDir, Evaluation.HISTORY_DEPTH)) {
                    OUT.printf("%n%s: the snapshot lacks a file of 4 MiB or more of the head (left out)%n",
                            repository.name());
                }
                // The copy's head stands for the pinned commit (same tree; MirrorCopy checks it).
                Project project = new Project(ProjectId.random(), repository.key(), gitDir.toString(), null,
                        Instant.now());
                try (Snapshot snapshot = source.openWithHistory(project, Evaluation.HISTORY_DEPTH, FetchMonitor.NONE)) {
                    if (Boolean.getBoolean("bench.labelsOnly")) {
                        labels(repository, snapshot, settings, perKind);
                        continue;
                    }
                    if (retrieval) {
                        rows.add(retrieval(repository, snapshot, settings, embedder, perKind, dev, heldOut, caches, work,
                                verbose));
                    }
                    // -Dbench.indexingRounds=N: N runs of both, the order swapped every round, so load
                    // that comes and goes on a shared machine hits both sides alike.
                    for (int round = 1; indexing && round <= Integer.getInteger("bench.indexingRounds", 1); round++) {
                        Path dir = Files.createDirectories(work.resolve("indexing-" + repository.key()));
                        IndexingRun.Result result = IndexingRun.run(repository, gitDir, snapshot,
                                settings.fileFilter(), dir, round % 2 == 0);
                        OUT.println("indexing, round " + round + ": " + result.row());
                        timings.add(result);
                        delete(dir);
                    }
                }
            }
        } finally {
            delete(work);
        }
        summary(rows, timings);
    }

    /**
     * The default LocalEmbedder, or another model ({@code -Dbench.model=all-minilm-l6-v2-q}) or window
     * ({@code -Dbench.windowTokens=256}) for measuring them.
     */
    private static LocalEmbedder embedder() {
        LocalEmbedder.Builder builder = LocalEmbedder.builder();
        String model = System.getProperty("bench.model");
        if (model != null) {
            builder.model(Arrays.stream(LocalModel.values()).filter(m -> m.id().equals(model)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no local model " + model)));
        }
        Integer window = Integer.getInteger("bench.windowTokens");
        if (window != null) {
            builder.windowTokens(window);
        }
        return builder.build();
    }

    /** Retrieval techniques to measure ({@code -Dbench.techniques=tests,files}); default what answers use. */
    private static RetrievalOptions techniques() {
        String spec = System.getProperty("bench.techniques");
        return spec == null ? RetrievalOptions.DEFAULT : RetrievalOptions.parse(spec);
    }

    /** Tells vectors of one embedder set-up from another's in the cache. */
    private static String embedderTag(LocalEmbedder embedder) {
        String window = System.getProperty("bench.windowTokens");
        return embedder.modelId() + (window == null ? "" : "-w" + window);
    }

    /**
     * The settings `rag ingest` uses on the embedded default (rag-cli's Wiring, for an in-process
     * embedder). {@code -Dbench.maxSourceFileBytes=51200} gives the size rule before large source
     * files were let in. {@code -Dbench.include=docs/**} indexes what a project's own include keeps
     * (questions are made as without it, so both indexes answer the same ones).
     */
    static RagSettings productSettings() {
        long sourceLimit = Long.getLong("bench.maxSourceFileBytes", FileFilter.DEFAULT_MAX_SOURCE_FILE_BYTES);
        return RagSettings.builder()
                .fileFilter(FileFilter.withExtraExcludes(FileFilter.DEFAULT_MAX_FILE_BYTES, sourceLimit, List.of(),
                        List.of()).forProject(new PathRules(benchIncludes(), List.of())))
                .batch(new BatchPolicy(BatchPolicy.DEFAULT_BATCH_SIZE, BatchPolicy.DEFAULT_MAX_TOKENS, Duration.ZERO, 1))
                .build();
    }

    private static List<String> benchIncludes() {
        String globs = System.getProperty("bench.include", "");
        return java.util.Arrays.stream(globs.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
    }

    private static Row retrieval(BenchRepository repository, Snapshot snapshot, RagSettings settings,
                                 LocalEmbedder embedder, int perKind, boolean dev, boolean heldOut, Path caches,
                                 Path work,
                                 boolean verbose) throws IOException {
        // -Dbench.questionsMaxSourceFileBytes=51200: questions made under the old size rule, so that
        // indexes under both rules answer the same questions.
        Long questionLimit = Long.getLong("bench.questionsMaxSourceFileBytes");
        // -Dbench.questionsWithInclude=true: questions made with the include too (heading questions of the manual).
        FileFilter questionFilter = questionLimit == null && (benchIncludes().isEmpty()
                || Boolean.getBoolean("bench.questionsWithInclude")) ? settings.fileFilter()
                : FileFilter.withExtraExcludes(FileFilter.DEFAULT_MAX_FILE_BYTES, questionLimit != null ? questionLimit
                        : Long.getLong("bench.maxSourceFileBytes", FileFilter.DEFAULT_MAX_SOURCE_FILE_BYTES),
                        List.of(), List.of());
        Evaluation.Questions made = Evaluation.make(snapshot, questionFilter, perKind, perKind);
        List<EvalQuestion> questions = new ArrayList<>(made.questions());
        if (dev) {
            questions.addAll(HandWritten.DEV.load(repository, snapshot.commit()));
        }
        if (heldOut) {
            questions.addAll(HandWritten.HELD_OUT.load(repository, snapshot.commit()));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        questions.forEach(q -> counts.merge(q.kind(), 1L, Long::sum));
        OUT.printf("%n### %s @ %s (%s): %s%n", repository.name(), repository.commit().substring(0, 7),
                repository.language(), counts);
        made.notes().forEach(note -> OUT.println("note: " + note));

        VectorCache ragVectors = new VectorCache(cache(caches, repository, "repo-rag-" + embedderTag(embedder)),
                embedder.dimension());
        long start = System.nanoTime();
        EvalReport rag;
        Path storeDir = work.resolve("store-" + repository.key());
        Map<String, EvalReport> variantReports = Map.of();
        try (LocalStore store = LocalStore.open(storeDir, embedder.modelId(), embedder.dimension());
             EmbeddingDispatcher dispatcher = EmbedSpeedBench.dispatcherFor(new CachedEmbedder(embedder, ragVectors),
                     settings);
             StoreEvalIndex index = new StoreEvalIndex(dispatcher, store.vectorStore(),
                     settings, new ProjectId("bench"), new Cancellation(), techniques())) {
            String spec = System.getProperty("bench.variants");
            if (spec == null) {
                rag = Evaluation.run(snapshot, settings.fileFilter(), questions, index, line -> { });
            } else {
                Variants variants = new Variants(index, Variants.parse(spec));
                rag = Evaluation.run(snapshot, settings.fileFilter(), questions, variants, line -> { });
                variantReports = variants.reports(rag);
                rag = variantReports.values().iterator().next();
            }
            OUT.printf("repo-rag: %,d chunks indexed over %d trees (%,d embedded now in %.1f s), %.1f s in all%n",
                    index.chunksEmbedded(), treeCount(questions), ragVectors.embedded(), ragVectors.embedSeconds(),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            delete(storeDir);
        }

        VectorCache recipeVectors = new VectorCache(cache(caches, repository, "recipe-all-minilm-l6-v2"),
                embedder.dimension());
        start = System.nanoTime();
        RecipeIndex recipeIndex = new RecipeIndex(recipeVectors);
        EvalReport recipe = Evaluation.run(snapshot, settings.fileFilter(), questions, recipeIndex, line -> { });
        OUT.printf("recipe: %,d segments indexed (%,d embedded now in %.1f s), %.1f s in all%n",
                recipeIndex.segments(), recipeVectors.embedded(), recipeVectors.embedSeconds(),
                (System.nanoTime() - start) / 1e9);
        OUT.println("repo-rag techniques: " + techniques());
        Set<String> notes = new TreeSet<>(rag.notes());
        notes.addAll(recipe.notes());
        notes.forEach(note -> OUT.println("note: " + note));

        table(rag, recipe);
        variantReports.forEach((name, report) -> OUT.printf(Locale.ROOT,
                "variant %-28s history+doc %.3f / %.3f / %.3f | dev %.3f / %.3f / %.3f | held-out %.3f / %.3f / %.3f%n",
                name, select(report, "procedure").recall1(), select(report, "procedure").recall5(),
                select(report, "procedure").mrr(), select(report, "dev").recall1(), select(report, "dev").recall5(),
                select(report, "dev").mrr(), select(report, "held-out").recall1(),
                select(report, "held-out").recall5(), select(report, "held-out").mrr()));
        if (verbose) {
            questions(rag, recipe);
        }
        if (caches != null) {
            writeResults(caches.resolve(repository.key() + "-results.tsv"), rag, recipe);
        }
        return new Row(repository.name(), rag, recipe, variantReports);
    }

    /** The questions the label procedure makes, without asking any retriever. */
    private static void labels(BenchRepository repository, Snapshot snapshot, RagSettings settings, int perKind) {
        Evaluation.Questions made = Evaluation.make(snapshot, settings.fileFilter(), perKind, perKind);
        Map<String, Long> counts = new LinkedHashMap<>();
        made.questions().forEach(q -> counts.merge(q.kind(), 1L, Long::sum));
        OUT.printf("%n### %s: %s%n", repository.name(), counts);
        made.notes().forEach(note -> OUT.println("note: " + note));
        made.questions().forEach(q -> OUT.printf("  %s | %s | %s%n", q.kind(), q.text(), q.expected()));
    }

    private static long treeCount(List<EvalQuestion> questions) {
        return questions.stream().map(q -> q.commit() + (q.hidden() != null)).distinct().count();
    }

    private static Path cache(Path caches, BenchRepository repository, String retriever) {
        return caches == null ? null : caches.resolve("vectors").resolve(repository.key() + "-" + retriever + ".bin");
    }

    /** Rows by kind: the procedure's kinds, the hand-written sets' kinds, their totals. */
    static void table(EvalReport rag, EvalReport recipe) {
        OUT.println("| questions | n | repo-rag R@1 / R@5 / MRR | recipe R@1 / R@5 / MRR | R@5 difference |");
        OUT.println("|---|---|---|---|---|");
        for (String kind : rag.byKind().keySet()) {
            row(kind, select(rag, kind), select(recipe, kind));
        }
        row("history + doc", select(rag, "procedure"), select(recipe, "procedure"));
        for (HandWritten set : HandWritten.values()) {
            if (rag.byKind().keySet().stream().anyMatch(k -> k.startsWith(set.prefix))) {
                row(set.prefix + "all", select(rag, set.total), select(recipe, set.total));
            }
        }
        row("**all**", rag.overall(), recipe.overall());
    }

    /**
     * The score of one kind, or of "procedure" (history and doc), "dev" (every dev hand-written kind)
     * or "held-out" (every held-out kind).
     */
    static EvalReport.Score select(EvalReport report, String kind) {
        List<EvalReport.Result> results = report.results().stream().filter(r -> switch (kind) {
            case "procedure" -> HandWritten.of(r.question().kind()).isEmpty();
            case "dev" -> r.question().kind().startsWith(HandWritten.DEV.prefix);
            case "held-out" -> r.question().kind().startsWith(HandWritten.HELD_OUT.prefix);
            default -> r.question().kind().equals(kind);
        }).toList();
        return score(results);
    }

    static EvalReport.Score score(List<EvalReport.Result> results) {
        int n = results.size();
        if (n == 0) {
            return new EvalReport.Score(0, 0, 0, 0);
        }
        return new EvalReport.Score(n, results.stream().filter(r -> r.rank() == 1).count() / (double) n,
                results.stream().filter(r -> r.rank() >= 1 && r.rank() <= 5).count() / (double) n,
                results.stream().mapToDouble(r -> r.rank() == 0 ? 0 : 1.0 / r.rank()).sum() / n);
    }

    private static void row(String label, EvalReport.Score a, EvalReport.Score b) {
        OUT.printf(Locale.ROOT, "| %s | %d | %.3f / %.3f / %.3f | %.3f / %.3f / %.3f | %+.1f |%n", label,
                a.questions(), a.recall1(), a.recall5(), a.mrr(), b.recall1(), b.recall5(), b.mrr(),
                (a.recall5() - b.recall5()) * 100);
    }

    private static void questions(EvalReport rag, EvalReport recipe) {
        for (int i = 0; i < rag.results().size(); i++) {
            EvalReport.Result a = rag.results().get(i);
            EvalReport.Result b = recipe.results().get(i);
            OUT.printf("  %s  rag %2d  recipe %2d  %s -> %s%n    rag top: %s%n", a.question().kind(), a.rank(),
                    b.rank(), a.question().text(), a.question().expected(),
                    a.top().subList(0, Math.min(3, a.top().size())));
        }
    }

    private static void writeResults(Path file, EvalReport rag, EvalReport recipe) throws IOException {
        StringBuilder tsv = new StringBuilder("kind\trag rank\trecipe rank\tquestion\texpected\trag top 3\n");
        for (int i = 0; i < rag.results().size(); i++) {
            EvalReport.Result a = rag.results().get(i);
            tsv.append(a.question().kind()).append('\t').append(a.rank()).append('\t')
                    .append(recipe.results().get(i).rank()).append('\t').append(a.question().text()).append('\t')
                    .append(String.join(",", a.question().expected())).append('\t')
                    .append(String.join(",", a.top().subList(0, Math.min(3, a.top().size())))).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, tsv, StandardCharsets.UTF_8);
    }

    /** Every repository's row: the goal is per repository, not on the average. */
    static void summary(List<Row> rows, List<IndexingRun.Result> timings) {
        if (!rows.isEmpty()) {
            OUT.println();
            OUT.println("## Summary: all questions of each repository (history + doc + dev hand-written + held-out)");
            OUT.println("| repository | n | repo-rag R@1 / R@5 / MRR | recipe R@1 / R@5 / MRR | R@5 +points |"
                    + " kinds below the recipe at R@5 | goal (≥ +10 R@5, no kind below, R@1 ≥ 0.5 where recipe's < 0.5) |");
            OUT.println("|---|---|---|---|---|---|---|");
            for (Row row : rows) {
                EvalReport.Score a = row.rag().overall();
                EvalReport.Score b = row.recipe().overall();
                List<String> below = new ArrayList<>();
                Stream.concat(row.rag().byKind().keySet().stream(), Stream.of("dev", "held-out"))
                        .filter(kind -> kind.equals("dev") || kind.equals("held-out")
                                || HandWritten.of(kind).isEmpty())
                        .filter(kind -> select(row.rag(), kind).questions() > 0)
                        .filter(kind -> select(row.rag(), kind).recall5() < select(row.recipe(), kind).recall5())
                        .forEach(below::add);
                boolean met = a.recall5() - b.recall5() >= 0.1 - 1e-9 && below.isEmpty()
                        && (b.recall1() >= 0.5 || a.recall1() >= 0.5);
                OUT.printf(Locale.ROOT, "| %s | %d | %.3f / %.3f / %.3f | %.3f / %.3f / %.3f | %+.1f | %s | %s |%n",
                        row.repository(), a.questions(), a.recall1(), a.recall5(), a.mrr(), b.recall1(), b.recall5(),
                        b.mrr(), (a.recall5() - b.recall5()) * 100, below.isEmpty() ? "none" : String.join(", ", below),
                        met ? "met" : "**not met**");
            }
        }
        if (rows.stream().anyMatch(r -> !r.variants().isEmpty())) {
            OUT.println();
            OUT.println("## Variants: history + doc R@5 (R@1) per repository, and the recipe's");
            for (String name : rows.get(0).variants().keySet()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %-28s |", name));
                double sum = 0;
                for (Row row : rows) {
                    EvalReport.Score score = select(row.variants().get(name), "procedure");
                    sum += score.recall5();
                    line.append(String.format(Locale.ROOT, " %.3f (%.3f) |", score.recall5(), score.recall1()));
                }
                OUT.println(line.append(String.format(Locale.ROOT, " mean %.3f |", sum / rows.size())));
            }
            StringBuilder recipe = new StringBuilder(String.format(Locale.ROOT, "| %-28s |", "recipe"));
            rows.forEach(row -> recipe.append(String.format(Locale.ROOT, " %.3f (%.3f) |",
                    select(row.recipe(), "procedure").recall5(), select(row.recipe(), "procedure").recall1())));
            OUT.println(recipe);
        }
        if (!timings.isEmpty()) {
            OUT.println();
            OUT.println("## Indexing: `rag ingest` (start to READY) vs the recipe (load, split, embed, store)");
            OUT.println("| repository | files | repo-rag | recipe | recipe time / repo-rag time | order, load |");
            OUT.println("|---|---|---|---|---|---|");
            timings.forEach(t -> OUT.println(t.row()));
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

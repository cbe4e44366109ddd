package dev.reporag.bench;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.VectorStore;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.local.LocalEmbedder;
import dev.reporag.local.LocalStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Retrieval quality on a labelled set about the JDK's java.util.concurrent sources, searched among
 * all of java.util (or the tree named by {@code -Dbench.corpus}, e.g. {@code java/util/concurrent/}): recall@1,
 * recall@5 and MRR@10 of the expected file for (a) repo-rag's pipeline with the local embedder and
 * store, hybrid; (b) the same, vector search only; (c) LangChain4j's default recipe. Run:
 *
 * <pre>
 * mvn -B -q -pl rag-bench test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.reporag.bench.RetrievalBench
 * </pre>
 *
 * Options: {@code -Dbench.corpus=java/util/} (the tree of java.base indexed), or
 * {@code -Dbench.corpus=repo:<commit>} (this repository itself at that commit, read from the .git above the
 * working directory; e.g. {@code repo:4498ce5} with the {@code repo-rag} sets, and every file of the commit kept
 * by repo-rag's filter too, docs included, so that the three retrievers see the same files),
 * {@code -Dbench.sets=jdk-concurrent,jdk-util,jdk-util-heldout} (the labelled sets scored; only the first with a
 * java/util/concurrent corpus, {@code repo-rag,repo-rag-heldout} with a repo: corpus), {@code -Dbench.srcZip=...} (default Temurin
 * 25's lib/src.zip; not read for a repo: corpus), {@code -Dbench.maxFileBytes}
 * (102400), {@code -Dbench.verbose=true} (lists the questions each retriever missed),
 * {@code -Dbench.dir=DIR} (keeps the indexes there and reuses them on the next run: for trying
 * retrieval changes without embedding again; figures to publish come from a fresh run).
 */
public final class RetrievalBench {
    /** Labelled sets, each a resource {@code /bench/<name>-questions.tsv}. */
    private static final List<String> ALL_SETS = List.of("jdk-concurrent", "jdk-util", "jdk-util-heldout");
    /** The labelled sets about this repository, the default with a {@code repo:} corpus. */
    private static final String REPO_SETS = "repo-rag,repo-rag-heldout";
    /**
     * The whole java.util tree: 354 files of which the labelled set's 93 are a quarter, so every
     * question has a few hundred plausible distractors, as in a real repository of that size.
     */
    static final String DEFAULT_CORPUS = "java/util/";

    private RetrievalBench() {
    }

    public static void main(String[] args) throws Exception {
        Path srcZip = Path.of(System.getProperty("bench.srcZip", JdkCorpus.SRC_ZIP.toString()));
        long maxBytes = Long.getLong("bench.maxFileBytes", 100 * 1024);
        boolean verbose = Boolean.getBoolean("bench.verbose");
        String corpus = System.getProperty("bench.corpus", DEFAULT_CORPUS);
        String keep = System.getProperty("bench.dir");
        Path work = keep == null ? Files.createTempDirectory("retrieval-bench") : Path.of(keep);
        try {
            run(srcZip, corpus, maxBytes, verbose, work, keep != null);
        } finally {
            if (keep == null) {
                JdkCorpus.delete(work);
            }
        }
    }

    private static void run(Path srcZip, String corpus, long maxBytes, boolean verbose, Path work, boolean reuse)
            throws Exception {
        boolean repo = RepoCorpus.isRepo(corpus);
        String projectName = (repo ? "repo-rag-" : "jdk-") + (repo ? RepoCorpus.revision(corpus) : corpus)
                .replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "");
        Map<String, String> files = repo ? RepoCorpus.read(RepoCorpus.revision(corpus), maxBytes)
                : JdkCorpus.read(srcZip, "java.base", corpus, maxBytes);
        // The java/util set's files are outside a java/util/concurrent corpus.
        List<String> setNames = List.of(System.getProperty("bench.sets", repo ? REPO_SETS
                : corpus.equals(DEFAULT_CORPUS) ? String.join(",", ALL_SETS) : ALL_SETS.get(0)).split(","));
        Map<String, List<LabelledQuestion>> sets = new LinkedHashMap<>();
        for (String set : setNames) {
            sets.put(set, LabelledQuestion.load("/bench/" + set + "-questions.tsv"));
        }
        List<LabelledQuestion> questions = sets.values().stream().flatMap(List::stream).toList();
        for (LabelledQuestion q : questions) {
            if (!files.containsKey(q.expectedPath())) {
                throw new IllegalStateException("the corpus has no " + q.expectedPath() + " (" + q.question() + ")");
            }
        }
        System.out.printf("corpus: %s, %d files <= %d bytes, %,d chars;"
                + " %d labelled questions (%s)%n",
                repo ? "this repository at " + RepoCorpus.revision(corpus) : "java.base/" + corpus + "** of " + srcZip,
                files.size(), maxBytes,
                files.values().stream().mapToLong(String::length).sum(), questions.size(),
                String.join(", ", sets.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList()));
        List<Retrieved> results = new ArrayList<>();

        FileFilter productFilter = FileFilter.withExtraExcludes(maxBytes, List.of(), List.of());
        if (repo) {
            // The product's default excludes drop documentation (docs/**), which the LangChain4j recipe
            // is given: keep every corpus file (secrets would still stay out) so all three see the same.
            System.out.printf("(a)/(b) filter: all corpus files kept; the default excludes would skip %d of them%n",
                    files.keySet().stream().filter(p -> productFilter.checkPath(SourceFile.regular(p, 1, "-"))
                            .isPresent()).count());
        }
        RagSettings settings = RagSettings.builder()
                .fileFilter(repo ? FileFilter.withExtraExcludes(maxBytes, List.of(), List.of("**")) : productFilter)
                .topK(Scores.DEPTH)
                .build();
        try (LocalEmbedder embedder = LocalEmbedder.create();
             LocalStore store = LocalStore.open(work.resolve("store"), embedder.modelId(), embedder.dimension())) {
            var source = new JGitRepositorySource(GitSourceSettings.defaults(work.resolve("git-cache"))
                    .withAllowLocalSources(true));
            Function<VectorStore, RepoRag> rag = vectors -> RepoRag.builder().source(source).embedder(embedder)
                    .vectorStore(vectors).jobs(store.jobs()).conversations(store.conversations())
                    .settings(settings).build();
            try (RepoRag hybrid = rag.apply(store.vectorStore());
                 RepoRag vectorOnly = rag.apply(new VectorOnlyStore(store.vectorStore()))) {
                Optional<Project> existing = reuse ? hybrid.findProject(projectName)
                        .filter(p -> hybrid.status(p.id()).status() == JobStatus.READY) : Optional.empty();
                Project project;
                if (existing.isPresent()) {
                    project = existing.get();
                    System.out.println("(a)/(b) ingestion: reused the index in " + work.resolve("store"));
                } else {
                    Path target = work.resolve("repo");
                    Path repository = repo
                            ? RepoCorpus.extract(RepoCorpus.revision(corpus), maxBytes, target).repository()
                            : JdkCorpus.extract(srcZip, "java.base", corpus, maxBytes, target).repository();
                    project = hybrid.register(projectName, repository.toString(), null);
                    hybrid.requestIngestion(project.id());
                    long start = System.nanoTime();
                    IngestionJob job = hybrid.processNext("bench").orElseThrow();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (job.status() != JobStatus.READY) {
                        throw new IllegalStateException("ingestion ended " + job.status() + ": " + job.error());
                    }
                    long chunks = job.progress().chunksTotal();
                    System.out.printf("(a)/(b) ingestion: %d chunks of <= 1,000 chars in %.1f s (%.1f chunks/s)%n",
                            chunks, seconds, chunks / seconds);
                }
                Project p = project;
                results.add(retrieve("(a) repo-rag: LocalEmbedder + LocalStore, hybrid", questions,
                        q -> paths(hybrid.ask(p.id(), q, null).citations())));
                results.add(retrieve("(b) repo-rag: LocalEmbedder + LocalStore, vector only", questions,
                        q -> paths(vectorOnly.ask(p.id(), q, null).citations())));
            }
        }

        LangChain4jRecipe recipe = new LangChain4jRecipe();
        System.out.println("(c) ingestion: " + recipe.ingestOrReuse(files,
                reuse ? work.resolve("langchain4j-store.json") : null));
        results.add(retrieve("(c) LangChain4j: recursive(300, 30) + AllMiniLmL6V2, vector", questions,
                recipe::search));

        for (Map.Entry<String, List<LabelledQuestion>> set : sets.entrySet()) {
            report(set.getKey() + " (" + set.getValue().size() + " questions)", set.getValue(), results, verbose);
        }
        if (sets.size() > 1) {
            report("all sets (" + questions.size() + " questions)", questions, results, false);
        }
    }

    /** What one retriever returned for each question: paths, best first. */
    private record Retrieved(String name, Map<LabelledQuestion, List<String>> paths) {
    }

    private static Retrieved retrieve(String name, List<LabelledQuestion> questions,
                                      Function<String, List<String>> search) {
        Map<LabelledQuestion, List<String>> paths = new HashMap<>();
        long start = System.nanoTime();
        for (LabelledQuestion q : questions) {
            paths.put(q, search.apply(q.question()));
        }
        System.out.printf("%s: %.0f ms per question%n", name.substring(0, 3),
                (System.nanoTime() - start) / 1e6 / questions.size());
        return new Retrieved(name, paths);
    }

    private static void report(String title, List<LabelledQuestion> questions, List<Retrieved> results,
                               boolean verbose) {
        List<Scores> scores = new ArrayList<>();
        for (Retrieved r : results) {
            Scores s = new Scores(r.name());
            questions.forEach(q -> s.add(q, r.paths().get(q)));
            scores.add(s);
        }
        System.out.println();
        System.out.println("== " + title);
        System.out.println(Scores.header());
        scores.forEach(s -> System.out.println(s.line()));
        System.out.println("recall@5 by kind of question:");
        for (Scores s : scores) {
            StringBuilder line = new StringBuilder(String.format("  %-4s", s.name().substring(0, 3)));
            s.byKind().forEach((kind, k) -> line.append(String.format("  %s %d/%d", kind, k[0], k[1])));
            System.out.println(line);
        }
        if (verbose) {
            for (Scores s : scores) {
                System.out.println();
                System.out.println(s.name() + ": questions with the file not in the top 5");
                s.misses().forEach(m -> System.out.println("  " + m));
            }
        }
    }

    private static List<String> paths(List<Citation> citations) {
        return citations.stream().map(Citation::path).toList();
    }
}

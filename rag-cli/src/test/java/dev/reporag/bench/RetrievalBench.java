package dev.reporag.bench;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Retrieval quality on a labelled set over the JDK's java.util.concurrent sources: recall@1,
 * recall@5 and MRR@10 of the expected file for (a) repo-rag's pipeline with the local embedder and
 * store, hybrid; (b) the same, vector search only; (c) LangChain4j's default recipe. Run:
 *
 * <pre>
 * mvn -B -q -pl rag-cli test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.reporag.bench.RetrievalBench
 * </pre>
 *
 * Options: {@code -Dbench.srcZip=...} (default Temurin 25's lib/src.zip), {@code -Dbench.maxFileBytes}
 * (102400), {@code -Dbench.verbose=true} (lists the questions each retriever missed),
 * {@code -Dbench.dir=DIR} (keeps the indexes there and reuses them on the next run: for trying
 * retrieval changes without embedding again; figures to publish come from a fresh run).
 */
public final class RetrievalBench {
    private static final String QUESTIONS = "/bench/jdk-concurrent-questions.tsv";
    private static final String PROJECT = "jdk-concurrent";

    private RetrievalBench() {
    }

    public static void main(String[] args) throws Exception {
        Path srcZip = Path.of(System.getProperty("bench.srcZip", JdkCorpus.SRC_ZIP.toString()));
        long maxBytes = Long.getLong("bench.maxFileBytes", 100 * 1024);
        boolean verbose = Boolean.getBoolean("bench.verbose");
        String keep = System.getProperty("bench.dir");
        Path work = keep == null ? Files.createTempDirectory("retrieval-bench") : Path.of(keep);
        try {
            run(srcZip, maxBytes, verbose, work, keep != null);
        } finally {
            if (keep == null) {
                JdkCorpus.delete(work);
            }
        }
    }

    private static void run(Path srcZip, long maxBytes, boolean verbose, Path work, boolean reuse) throws Exception {
        Map<String, String> files = JdkCorpus.read(srcZip, "java.base", "java/util/concurrent/", maxBytes);
        List<LabelledQuestion> questions = LabelledQuestion.load(QUESTIONS);
        for (LabelledQuestion q : questions) {
            if (!files.containsKey(q.expectedPath())) {
                throw new IllegalStateException("the corpus has no " + q.expectedPath() + " (" + q.question() + ")");
            }
        }
        System.out.printf("corpus: java.base/java/util/concurrent/** of %s, %d files <= %d bytes, %,d chars;"
                + " %d labelled questions%n", srcZip, files.size(), maxBytes,
                files.values().stream().mapToLong(String::length).sum(), questions.size());
        List<Scores> results = new ArrayList<>();

        RagSettings settings = RagSettings.builder()
                .fileFilter(FileFilter.withExtraExcludes(maxBytes, List.of(), List.of()))
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
                Optional<Project> existing = reuse ? hybrid.findProject(PROJECT)
                        .filter(p -> hybrid.status(p.id()).status() == JobStatus.READY) : Optional.empty();
                Project project;
                if (existing.isPresent()) {
                    project = existing.get();
                    System.out.println("(a)/(b) ingestion: reused the index in " + work.resolve("store"));
                } else {
                    JdkCorpus corpus = JdkCorpus.extract(srcZip, "java.base", "java/util/concurrent/", maxBytes,
                            work.resolve("repo"));
                    project = hybrid.register(PROJECT, corpus.repository().toString(), null);
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
                results.add(score("(a) repo-rag: LocalEmbedder + LocalStore, hybrid", questions,
                        q -> paths(hybrid.ask(p.id(), q, null).citations())));
                results.add(score("(b) repo-rag: LocalEmbedder + LocalStore, vector only", questions,
                        q -> paths(vectorOnly.ask(p.id(), q, null).citations())));
            }
        }

        LangChain4jRecipe recipe = new LangChain4jRecipe();
        System.out.println("(c) ingestion: " + recipe.ingestOrReuse(files,
                reuse ? work.resolve("langchain4j-store.json") : null));
        results.add(score("(c) LangChain4j: recursive(300, 30) + AllMiniLmL6V2, vector", questions, recipe::search));

        System.out.println();
        System.out.println(Scores.header());
        results.forEach(s -> System.out.println(s.line()));
        System.out.println();
        System.out.println("recall@5 by kind of question:");
        for (Scores s : results) {
            StringBuilder line = new StringBuilder(String.format("  %-4s", s.name().substring(0, 3)));
            s.byKind().forEach((kind, k) -> line.append(String.format("  %s %d/%d", kind, k[0], k[1])));
            System.out.println(line);
        }
        if (verbose) {
            for (Scores s : results) {
                System.out.println();
                System.out.println(s.name() + ": questions with the file not in the top 5");
                s.misses().forEach(m -> System.out.println("  " + m));
            }
        }
    }

    private static Scores score(String name, List<LabelledQuestion> questions, Function<String, List<String>> search) {
        Scores scores = new Scores(name);
        long start = System.nanoTime();
        for (LabelledQuestion q : questions) {
            scores.add(q, search.apply(q.question()));
        }
        System.out.printf("%s: %.0f ms per question%n", name.substring(0, 3),
                (System.nanoTime() - start) / 1e6 / questions.size());
        return scores;
    }

    private static List<String> paths(List<Citation> citations) {
        return citations.stream().map(Citation::path).toList();
    }
}

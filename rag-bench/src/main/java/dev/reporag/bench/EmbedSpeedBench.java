package dev.reporag.bench;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.FileIndexer;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.local.LocalEmbedder;
import dev.reporag.local.LocalModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Embedding speed on one repository's files, in one JVM, rounds alternating so that other load
 * hits every variant alike: LangChain4j's recipe (split 300/30 tokens, embedAll, in-memory store)
 * against repo-rag's indexing of the same files through the job's own code path
 * ({@link FileIndexer}: chunker, header, batches of 25, one request at a time) with LocalEmbedder
 * variants (model, window, batch shape). Args: repository (owner/name), files (0 = all), rounds,
 * variants (comma-separated: recipe, default, fp32, fp32b1, q8, q8b1, q8b4, q8b16, w256, q8w256, b8, b32, t1).
 */
public final class EmbedSpeedBench {
    private EmbedSpeedBench() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "jhy/jsoup";
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<String> variants = List.of((args.length > 3 ? args[3] : "recipe,default,q8,w256").split(","));
        BenchRepository repository = BenchRepository.all().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow();
        Path work = Files.createTempDirectory("embed-speed");
        Path copy = work.resolve("copy");
        MirrorCopy.copy(repository.gitDir(Path.of(System.getProperty("bench.mirrors", "/work/.mirror"))),
                repository.commit(), copy, 1);
        RagSettings settings = MultiRepoBench.productSettings();
        Map<String, String> files = new LinkedHashMap<>();
        Project project = new Project(ProjectId.random(), "speed", copy.toString(), null, Instant.now());
        try (Snapshot snapshot = new JGitRepositorySource(GitSourceSettings.defaults(work.resolve("git"))
                .withAllowLocalSources(true)).openWithHistory(project, 1, FetchMonitor.NONE);
             Stream<SourceFile> listed = snapshot.files()) {
            for (SourceFile file : (Iterable<SourceFile>) listed::iterator) {
                if (settings.fileFilter().checkPath(file).isEmpty() && (limit == 0 || files.size() < limit)) {
                    FileFilter.Decoded decoded = settings.fileFilter().decode(file, snapshot.read(file));
                    if (decoded.isText()) {
                        files.put(file.path(), decoded.text());
                    }
                }
            }
        }
        long chars = files.values().stream().mapToLong(String::length).sum();
        System.out.printf(Locale.ROOT, "%s: %d files, %,d characters; %d cores%n", name, files.size(), chars,
                Runtime.getRuntime().availableProcessors());
        EmbeddingModel recipeModel = new AllMiniLmL6V2EmbeddingModel();
        Map<String, LocalEmbedder> embedders = new LinkedHashMap<>();
        for (String variant : variants) {
            if (!variant.equals("recipe")) {
                embedders.put(variant, embedder(variant));
            }
        }
        for (int round = 1; round <= rounds; round++) {
            for (String variant : variants) {
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                long units = variant.equals("recipe") ? recipe(recipeModel, files) : repoRag(embedders.get(variant),
                        settings, files);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (processCpuNanos() - cpuStart) / 1e9;
                // CPU seconds of the whole process: what the work costs, whatever else runs on the machine.
                System.out.printf(Locale.ROOT, "round %d | %-8s | %,7d %s | %6.1f s | %6.1f per s | %5.1f KB/s | CPU %6.1f s"
                                + " | %6.1f per CPU s | load %s%n", round, variant, units,
                        variant.equals("recipe") ? "segments" : "chunks  ", seconds, units / seconds,
                        chars / 1024.0 / seconds, cpu, units / cpu,
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            }
        }
        embedders.values().forEach(LocalEmbedder::close);
        MultiRepoBench.delete(work);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static LocalEmbedder embedder(String variant) {
        LocalEmbedder.Builder b = LocalEmbedder.builder();
        switch (variant) {
            case "default" -> { }
            case "fp32" -> b.model(LocalModel.ALL_MINILM_L6_V2);
            case "fp32b1" -> b.model(LocalModel.ALL_MINILM_L6_V2).batchSize(1);
            case "q8" -> b.model(LocalModel.ALL_MINILM_L6_V2_Q);
            case "q8b1" -> b.model(LocalModel.ALL_MINILM_L6_V2_Q).batchSize(1);
            case "q8b4" -> b.model(LocalModel.ALL_MINILM_L6_V2_Q).batchSize(4);
            case "q8b16" -> b.model(LocalModel.ALL_MINILM_L6_V2_Q).batchSize(16);
            case "w256" -> b.windowTokens(256);
            case "q8w256" -> b.model(LocalModel.ALL_MINILM_L6_V2_Q).windowTokens(256);
            case "b8" -> b.batchSize(8);
            case "b32" -> b.batchSize(32);
            case "t1" -> b.threads(1);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
        return b.build();
    }

    private static long recipe(EmbeddingModel model, Map<String, String> files) {
        List<TextSegment> segments = new ArrayList<>();
        files.forEach((path, text) -> segments.addAll(RecipeIndex.splitter().split(
                Document.from(text, Metadata.from("path", path)))));
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        store.addAll(model.embedAll(segments).content(), segments);
        return segments.size();
    }

    private static long repoRag(LocalEmbedder embedder, RagSettings settings, Map<String, String> files) {
        try (EmbeddingDispatcher dispatcher = dispatcherFor(embedder, settings)) {
            FileIndexer indexer = new FileIndexer(dispatcher, new InMemoryVectorStore(embedder.dimension()), settings,
                    ProjectId.random(), new Cancellation());
            indexer.put(files);
            return indexer.chunksEmbedded();
        }
    }

    /** The process's one dispatcher, as RepoRag builds it for an in-process model: no rate limits. */
    static EmbeddingDispatcher dispatcherFor(Embedder embedder, RagSettings settings) {
        return new EmbeddingDispatcher(embedder, settings.batch(), settings.retry(), settings.rateLimits(), null);
    }
}

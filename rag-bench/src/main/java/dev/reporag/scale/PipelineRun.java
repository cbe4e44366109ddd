package dev.reporag.scale;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.model.EmbeddedChunk;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.VectorStore;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Child JVM of {@link ScaleBench}: repo-rag's ingestion pipeline with embedding and storing taken
 * out (an embedder that returns a constant vector, a store that only counts), so what is timed is
 * the job itself: walk, read, filter, chunk, reconcile, batch. Runs through the real
 * {@link JGitRepositorySource} and {@link RepoRag}. Prints {@code key=value} lines.
 *
 * <p>Arguments: bare repository, work directory (for the clone cache), and optionally how many
 * rounds to run in this JVM (the first is timed as {@code jobMillis}, the last as {@code warmMillis}).
 */
public final class PipelineRun {
    private PipelineRun() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        Path cache = Path.of(args[1]).resolve("cache");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        JGitRepositorySource source = new JGitRepositorySource(GitSourceSettings.defaults(cache)
                .withAllowLocalSources(true).withMaxRepositoryBytes(2L << 30));
        CountingStore store = new CountingStore();
        InMemoryJobRepository jobs = new InMemoryJobRepository();
        RagSettings settings = RagSettings.defaults();
        try (RepoRag rag = RepoRag.builder().source(source).embedder(new ConstantEmbedder()).vectorStore(store)
                .jobs(jobs).conversations(new InMemoryConversationRepository()).settings(settings).build()) {
            Project project = rag.register("jdk", repo.toString(), null);

            // The clone is the git adapter's (and the network's) share; time it apart from the job.
            long t = System.nanoTime();
            long bytes = 0;
            try (Snapshot snapshot = source.open(project); Stream<SourceFile> files = snapshot.files()) {
                bytes = files.filter(f -> settings.fileFilter().checkPath(f).isEmpty()).mapToLong(SourceFile::size).sum();
            }
            System.out.println("cloneMillis=" + ms(t));

            IngestionJob job = rag.requestIngestion(project.id());
            long cpu = processCpuMillis();
            long jit = jitMillis();
            t = System.nanoTime();
            IngestionJob done = rag.process(job.id(), "bench", new Cancellation(), IngestionListener.NONE).orElseThrow();
            long took = ms(t);
            System.out.println("status=" + done.status());
            System.out.println("jobMillis=" + took);
            // Where a fresh JVM's time goes: all threads' CPU, and the JIT compilers' share of it.
            System.out.println("jobCpuMillis=" + (processCpuMillis() - cpu));
            System.out.println("jobJitMillis=" + (jitMillis() - jit));
            long chunks = store.upserted.get();
            // More rounds in this JVM, each a new project of the same repository (its clone cache
            // reused), so each is a full job: the last shows what a long-lived worker's JIT gives.
            for (int round = 2; round <= rounds; round++) {
                Project again = rag.register("jdk-" + round, repo.toString(), null);
                long before = store.upserted.get();
                t = System.nanoTime();
                IngestionJob next = rag.process(rag.requestIngestion(again.id()).id(), "bench", new Cancellation(),
                        IngestionListener.NONE).orElseThrow();
                long warm = ms(t);
                if (next.status() != done.status() || store.upserted.get() - before != chunks) {
                    throw new IllegalStateException("round " + round + " did not redo the whole job: " + next.status());
                }
                System.out.println("warmMillis=" + warm);
            }
            System.out.println("rounds=" + rounds);
            System.out.println("files=" + done.progress().filesDone());
            System.out.println("skipped=" + done.progress().filesSkipped());
            System.out.println("bytes=" + bytes);
            System.out.println("chunks=" + chunks);
            System.out.println("heapUsedMiB=" + ((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20));
        }
    }

    private static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Costs nothing, so the job's own work is what is measured. */
    private static final class ConstantEmbedder implements Embedder {
        private static final float[] VECTOR = {1, 0, 0, 0, 0, 0, 0, 0};

        @Override
        public String modelId() {
            return "constant-8";
        }

        @Override
        public int dimension() {
            return VECTOR.length;
        }

        @Override
        public int maxInputChars() {
            return 4000;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            List<float[]> vectors = new ArrayList<>(texts.size());
            texts.forEach(text -> vectors.add(VECTOR));
            return vectors;
        }
    }

    /** Keeps nothing but counts, so memory shows the pipeline's own footprint. */
    private static final class CountingStore implements VectorStore {
        final AtomicLong upserted = new AtomicLong();
        private final dev.reporag.core.model.EmbeddingModel model = new dev.reporag.core.model.EmbeddingModel("counting", 8);

        @Override
        public dev.reporag.core.model.EmbeddingModel model() {
            return model;
        }

        @Override
        public java.util.Set<String> heldKeys(Collection<String> keys) {
            return java.util.Set.of();
        }

        @Override
        public dev.reporag.core.model.ProjectModels models(ProjectId project) {
            return dev.reporag.core.model.ProjectModels.NONE;
        }

        @Override
        public void requestModel(ProjectId project) {
        }

        @Override
        public void activate(ProjectId project) {
        }

        @Override
        public void upsert(List<EmbeddedChunk> chunks) {
            upserted.addAndGet(chunks.size());
        }


        @Override
        public java.util.Map<String, String> chunkKeys(ProjectId project) {
            return new java.util.HashMap<>();
        }

        @Override
        public java.util.Map<String, String> chunkKeys(ProjectId project, Collection<String> paths) {
            return new java.util.HashMap<>();
        }

        @Override
        public void delete(ProjectId project, Collection<String> chunkIds) {
        }

        @Override
        public void deletePaths(ProjectId project, Collection<String> paths) {
        }

        @Override
        public void deleteProject(ProjectId project) {
        }

        @Override
        public long count(ProjectId project) {
            return upserted.get();
        }

        @Override
        public long copyChunks(ProjectId from, ProjectId to) {
            return 0; // it keeps no chunks to copy
        }

        @Override
        public List<ScoredChunk> vectorSearch(ProjectId project, float[] query, int k) {
            return List.of();
        }

        @Override
        public List<ScoredChunk> keywordSearch(ProjectId project, String query, int k) {
            return List.of();
        }
    }
}

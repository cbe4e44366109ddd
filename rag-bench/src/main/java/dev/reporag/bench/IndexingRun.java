package dev.reporag.bench;

import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.port.Snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Indexing time, side by side, each in a JVM of its own: {@code rag ingest} of the repository at its
 * commit on the embedded default (start to READY, clone included, with the JVM flags `./rag ingest`
 * adds to the Dockerfile's on a 512 MB host), and LangChain4j's recipe ({@link RecipeIngest}) over a directory
 * holding exactly the files repo-rag indexed (start to the end of its store's addAll).
 */
final class IndexingRun {
    /** The Dockerfile's flags, with the heap a 512 MB instance gets from MaxRAMPercentage=60. */
    static final List<String> PRODUCT_JVM = List.of("-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError",
            "-Xmx300m");
    /** Those, with the client compiler only, as `./rag` runs every one-shot command (`rag ingest`). */
    static final List<String> INGEST_JVM = List.of("-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError",
            "-XX:TieredStopAtLevel=1", "-Xmx300m");
    private static final Pattern CHUNKS = Pattern.compile("\"chunks\"\\s*:\\s*(\\d+)");
    private static final Pattern RECIPE = Pattern.compile("segments=(\\d+) seconds=([0-9.]+)");

    record Result(String repository, long chunks, double ragSeconds, long ragPeakKb, long ragAnonKb, double ragCpu,
                  long segments, double recipeSeconds, double recipeWallSeconds, long recipePeakKb, double recipeCpu,
                  int files, String conditions) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %,d chunks in %.1f s (%.1f chunks/s; CPU %.1f s), peak RSS"
                            + " %d MiB (anonymous %d MiB) | %,d segments in %.1f s (%.1f segments/s; JVM wall %.1f s, CPU"
                            + " %.1f s), peak RSS %d MiB | %.2f× (CPU %.2f×) | %s |",
                    repository, files, chunks, ragSeconds, chunks / ragSeconds, ragCpu, ragPeakKb / 1024,
                    ragAnonKb / 1024, segments, recipeSeconds, segments / recipeSeconds, recipeWallSeconds, recipeCpu,
                    recipePeakKb / 1024, recipeWallSeconds / ragSeconds, recipeCpu / ragCpu, conditions);
        }
    }

    private IndexingRun() {
    }

    /**
     * @param recipeFirst run the recipe before {@code rag ingest} (alternate it between rounds)
     */
    static Result run(BenchRepository repository, Path gitDir, Snapshot snapshot, FileFilter filter, Path work,
                      boolean recipeFirst) throws IOException, InterruptedException {
        Path tree = work.resolve("tree");
        int files = writeIndexedFiles(snapshot, filter, tree);
        ChildProcess.Result recipe = recipeFirst ? recipe(work, tree) : null;
        String load = load();

        Path home = work.resolve("rag-home");
        ChildProcess.Result rag = ChildProcess.run(work, "rag-ingest", INGEST_JVM,
                Map.of("XDG_CONFIG_HOME", work.resolve("xdg").toString(), "RAG_LOG_LEVEL", "WARN"),
                "dev.reporag.cli.Main", List.of("--home", home.toString(), "ingest", gitDir.toString(),
                        "--name", repository.key(), "--json"));
        if (rag.exitCode() != 0) {
            throw new IllegalStateException("rag ingest failed (" + rag.exitCode() + "): " + rag.err());
        }
        Matcher chunks = CHUNKS.matcher(rag.out());
        long chunkCount = chunks.find() ? Long.parseLong(chunks.group(1)) : -1;

        if (!recipeFirst) {
            recipe = recipe(work, tree);
        }
        Matcher m = RECIPE.matcher(recipe.out());
        m.find();
        return new Result(repository.name(), chunkCount, rag.seconds(), rag.peakRssKb(), rag.peakAnonKb(),
                rag.cpuSeconds(), Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), recipe.seconds(),
                recipe.peakRssKb(), recipe.cpuSeconds(), files,
                (recipeFirst ? "recipe first" : "repo-rag first") + "; load average " + load + " → " + load());
    }

    private static ChildProcess.Result recipe(Path work, Path tree) throws IOException, InterruptedException {
        ChildProcess.Result recipe = ChildProcess.run(work, "recipe-ingest", List.of(), Map.of(),
                RecipeIngest.class.getName(), List.of(tree.toString()));
        if (recipe.exitCode() != 0 || !RECIPE.matcher(recipe.out()).find()) {
            throw new IllegalStateException("the recipe failed (" + recipe.exitCode() + "): " + recipe.err());
        }
        return recipe;
    }

    /** The 1-minute load average of the machine. */
    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** The files of the snapshot that repo-rag's filter lets in and that decode as text, as repo-rag reads them. */
    private static int writeIndexedFiles(Snapshot snapshot, FileFilter filter, Path tree) throws IOException {
        int[] count = {0};
        try (Stream<SourceFile> files = snapshot.files()) {
            for (SourceFile file : (Iterable<SourceFile>) files::iterator) {
                if (filter.checkPath(file).isPresent()) {
                    continue;
                }
                FileFilter.Decoded decoded = filter.decode(file, snapshot.read(file));
                if (decoded.isText()) {
                    Path target = tree.resolve(file.path());
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, decoded.text(), StandardCharsets.UTF_8);
                    count[0]++;
                }
            }
        }
        return count[0];
    }
}

package dev.reporag.scale;

import dev.reporag.core.policy.FileFilter;
import dev.reporag.openai.FakeOpenAiServer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The big-repository benchmark: the JDK's sources (src.zip, ~15,000 files) as a one-commit Git
 * repository, ingested end to end by the real {@code rag} CLI in child JVMs capped at -Xmx256m, on
 * the embedded store: once with the hashing embedder and once against a fake OpenAI-compatible
 * server held to a tokens-per-minute budget; then a commit changing one file and an incremental
 * re-index. Beside them, the pipeline alone (no embedding, no storing) and LangChain4j's
 * FileSystemDocumentLoader + DocumentSplitters.recursive(1000, 200) on the same files. Peak RSS is
 * the child's VmHWM. Prints its figures, each with the command that reproduces it.
 *
 * <p>Options: {@code --zip=PATH} (Temurin 25's src.zip), {@code --work=DIR}
 * ($TMPDIR/reporag-scale), {@code --xmx=256m}, {@code --tpm=10000000} (the fake server's and the
 * client's tokens per minute), {@code --only=lc4j,pipeline,hashing,incremental,openai} (all),
 * {@code --rounds=3} (the LangChain4j one-at-a-time and pipeline jobs run this many times in their
 * child JVM: the first round is a fresh JVM, the last a warm one), {@code --pairs=3} (that many
 * fresh child JVMs of each, alternated, with the median ratio printed: one pair's ratio moves with
 * the host's load).
 */
public final class ScaleBench {
    private static final String COMMAND = "mvn -B -q -pl rag-bench test-compile exec:java -Dexec.classpathScope=test"
            + " -Dexec.mainClass=dev.reporag.scale.ScaleBench";
    private static final String CHANGED_FILE = "java.base/java/util/Objects.java";
    private static final Pattern READY = Pattern.compile(
            "is READY: (\\d+) files, (\\d+) chunks \\((\\d+) embedded now\\), (\\d+) skipped");
    private static final Pattern PROGRESS = Pattern.compile(
            "^\\[([0-9.]+)s\\] [^:]+: (\\d+)% \\((\\d+)/(\\d+) files, (\\d+)/(\\d+) chunks, [0-9]+ chunks/s(?:, ETA (\\d+):(\\d+))?\\)");

    private final Path zip;
    private final Path work;
    private final String xmx;
    private final long tpm;
    private final Set<String> only;
    private final int rounds;
    /** Fresh-JVM pairs of the LangChain4j baseline and the job, alternated; the median ratio is reported. */
    private final int pairs;
    /** Job milliseconds, fresh JVM and warm, of LangChain4j one file at a time and of the pipeline. */
    private long[] baselineMillis;
    private long[] pipelineMillis;
    private JdkCorpus.Indexable indexable;
    private ChildJvm.Result hashing;

    private ScaleBench(Map<String, String> options) {
        zip = Path.of(options.getOrDefault("zip", JdkCorpus.DEFAULT_ZIP.toString()));
        work = Path.of(options.getOrDefault("work", Path.of(System.getProperty("java.io.tmpdir"), "reporag-scale")
                .toString())).toAbsolutePath();
        xmx = options.getOrDefault("xmx", "256m");
        tpm = Long.parseLong(options.getOrDefault("tpm", "10000000"));
        only = Set.of(options.getOrDefault("only", "lc4j,pipeline,hashing,incremental,openai").split(","));
        rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        pairs = Integer.parseInt(options.getOrDefault("pairs", "3"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        new ScaleBench(options).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path repo = work.resolve("jdk.git");
        prepareRepository(repo);
        indexable = JdkCorpus.indexable(zip, FileFilter.defaults());
        System.out.printf(Locale.ROOT, "corpus: %s: %,d files, %.1f MB; kept by the default filter (path, size <= 50 KB):"
                        + " %,d files, %.1f MB%n", zip, indexable.allFiles(), indexable.allBytes() / 1e6,
                indexable.files(), indexable.bytes() / 1e6);
        System.out.printf(Locale.ROOT, "child JVMs: %s -Xmx%s, %d cores, load average %s%n",
                System.getProperty("java.version"), xmx, Runtime.getRuntime().availableProcessors(), loadAverage());

        Path files = work.resolve("files");
        if (only.contains("lc4j")) {
            if (!Files.isDirectory(files)) {
                JdkCorpus.unpackIndexable(zip, FileFilter.defaults(), files);
            }
            baseline(files, "all");
        }
        // Pairs of fresh JVMs, alternating, because one pair's ratio moves with the host's load.
        List<double[]> ratios = new ArrayList<>();
        for (int pair = 1; pair <= (only.contains("lc4j") && only.contains("pipeline") ? pairs : 1); pair++) {
            if (only.contains("lc4j")) {
                baseline(files, "each");
            }
            if (only.contains("pipeline")) {
                pipeline(repo);
            }
            if (baselineMillis != null && pipelineMillis != null) {
                double[] ratio = {baselineMillis[0] / (double) pipelineMillis[0],
                        baselineMillis[1] / (double) pipelineMillis[1]};
                ratios.add(ratio);
                System.out.printf(Locale.ROOT, "pair %d: repo-rag job vs LangChain4j one file at a time, same bytes:"
                        + " %.2fx as fast in a fresh JVM, %.2fx warm (round %d)%n", pair, ratio[0], ratio[1], rounds);
                baselineMillis = null;
                pipelineMillis = null;
            }
        }
        if (ratios.size() > 1) {
            System.out.printf(Locale.ROOT, "median of %d pairs: %s in a fresh JVM, %s warm%n", ratios.size(),
                    median(ratios, 0), median(ratios, 1));
            reproduce("--only=lc4j,pipeline --pairs=" + pairs);
        }
        if (only.contains("hashing")) {
            hashing = ingest("hashing", repo, Map.of("RAG_EMBEDDER", "hashing"), true);
            if (only.contains("incremental")) {
                incremental(repo);
            }
        }
        if (only.contains("openai")) {
            openAi(repo);
        }
    }

    /** Makes the repository once; later runs move main back to its first commit. */
    private void prepareRepository(Path repo) throws Exception {
        Path base = work.resolve("base-commit");
        if (!Files.exists(base)) {
            deleteRecursively(repo);
            long t = System.nanoTime();
            JdkCorpus.commitZip(zip, repo);
            try (Git git = Git.open(repo.toFile())) {
                Files.writeString(base, git.getRepository().resolve(Constants.R_HEADS + "main").name());
            }
            System.out.printf("made %s in %d ms%n", repo, ms(t));
            return;
        }
        try (Git git = Git.open(repo.toFile())) {
            RefUpdate update = git.getRepository().updateRef(Constants.R_HEADS + "main");
            update.setNewObjectId(ObjectId.fromString(Files.readString(base).strip()));
            update.setForceUpdate(true);
            update.update();
        }
    }

    private void baseline(Path files, String mode) throws Exception {
        ChildJvm.Result r = ChildJvm.run(work, "lc4j-" + mode, jvm(), Map.of(), SplitBaseline.class.getName(),
                files.toString(), mode, String.valueOf(mode.equals("all") ? 1 : rounds));
        Map<String, String> kv = keyValues(r.out());
        String what = mode.equals("all") ? "LangChain4j loadDocumentsRecursively + splitAll"
                : "LangChain4j loadDocument + split, one file at a time";
        if (!"OK".equals(kv.get("status"))) {
            System.out.printf(Locale.ROOT, "%s: %s after %s ms (exit %d), peak RSS %d MiB%n", what,
                    kv.getOrDefault("status", "failed: " + lastLine(r.err())), kv.getOrDefault("jobMillis", "?"),
                    r.exitCode(), r.peakRssKb() / 1024);
        } else {
            rate(what, Long.parseLong(kv.get("jobMillis")), Long.parseLong(kv.get("files")), indexable.bytes(),
                    kv.get("chunks") + " segments", r);
            if (kv.containsKey("warmMillis")) {
                warm(what, Long.parseLong(kv.get("warmMillis")), Long.parseLong(kv.get("files")), indexable.bytes());
                baselineMillis = new long[]{Long.parseLong(kv.get("jobMillis")), Long.parseLong(kv.get("warmMillis"))};
            }
        }
        reproduce("--only=lc4j");
    }

    private void pipeline(Path repo) throws Exception {
        Path dir = fresh("pipeline");
        ChildJvm.Result r = ChildJvm.run(work, "pipeline", jvm(), env(dir), PipelineRun.class.getName(),
                repo.toString(), dir.toString(), String.valueOf(rounds));
        Map<String, String> kv = keyValues(r.out());
        if (!r.ok() || !"READY".equals(kv.get("status"))) {
            System.out.printf("repo-rag pipeline: FAILED (exit %d): %s%n", r.exitCode(), lastLine(r.err()));
            return;
        }
        System.out.printf("repo-rag pipeline: shallow clone into the cache %s ms (not in the rate below)%n",
                kv.get("cloneMillis"));
        rate("repo-rag job, no embedding and no storing (walk, read, filter, chunk, batch)",
                Long.parseLong(kv.get("jobMillis")), Long.parseLong(kv.get("files")), Long.parseLong(kv.get("bytes")),
                kv.get("chunks") + " chunks", r);
        System.out.printf("  the fresh JVM's job used %s ms of CPU on all threads, %s ms of it in the JIT compilers%n",
                kv.get("jobCpuMillis"), kv.get("jobJitMillis"));
        if (kv.containsKey("warmMillis")) {
            warm("repo-rag job", Long.parseLong(kv.get("warmMillis")), Long.parseLong(kv.get("files")),
                    Long.parseLong(kv.get("bytes")));
            pipelineMillis = new long[]{Long.parseLong(kv.get("jobMillis")), Long.parseLong(kv.get("warmMillis"))};
        }
        reproduce("--only=pipeline");
    }

    /** Runs {@code rag ingest REPO} in a child JVM; the CLI prints progress lines and a summary. */
    private ChildJvm.Result ingest(String label, Path repo, Map<String, String> extraEnv, boolean freshHome)
            throws Exception {
        Path home = freshHome ? fresh("home-" + label) : work.resolve("home-hashing");
        Map<String, String> env = env(home);
        env.putAll(extraEnv);
        ChildJvm.Result r = ChildJvm.run(work, label, jvm(), env, "dev.reporag.cli.Main", "ingest", repo.toString());
        Matcher m = READY.matcher(r.out());
        if (!r.ok() || !m.find()) {
            System.out.printf("repo-rag ingest (%s): FAILED (exit %d): %s %s%n", label, r.exitCode(),
                    lastLine(r.out()), lastLine(r.err()));
            return r;
        }
        rate("repo-rag `rag ingest`, " + label + ", end to end (JVM start, clone, walk, read, chunk, embed, store)",
                r.wallMillis(), Long.parseLong(m.group(1)), indexable.bytes(),
                m.group(2) + " chunks, " + m.group(3) + " embedded", r);
        progressReport(r);
        return r;
    }

    private void incremental(Path repo) throws Exception {
        if (hashing == null || !hashing.ok()) {
            return;
        }
        String commit = JdkCorpus.appendLine(repo, CHANGED_FILE, "// changed by the scale benchmark");
        ChildJvm.Result r = ingest("incremental", repo, Map.of("RAG_EMBEDDER", "hashing"), false);
        Matcher m = READY.matcher(r.out());
        if (r.ok() && m.find()) {
            System.out.printf(Locale.ROOT, "incremental re-index after commit %s (one line appended to %s): %,d ms"
                            + " = %.1f%% of the full run (%,d ms); %s chunk(s) embedded; peak RSS %d MiB%n",
                    commit.substring(0, 12), CHANGED_FILE, r.wallMillis(), 100.0 * r.wallMillis() / hashing.wallMillis(),
                    hashing.wallMillis(), m.group(3), r.peakRssKb() / 1024);
        }
        reproduce("--only=hashing,incremental");
    }

    private void openAi(Path repo) throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start().limits(0, tpm)) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("RAG_EMBEDDER", "openai");
            env.put("OPENAI_API_KEY", FakeOpenAiServer.KEY);
            env.put("OPENAI_BASE_URL", server.baseUrl());
            env.put("RAG_TPM", Long.toString(tpm));
            env.put("RAG_EMBEDDING_DIMENSIONS", "256");
            System.out.printf(Locale.ROOT, "fake OpenAI-compatible server at %s: %,d tokens/minute (cl100k counts); client"
                    + " RAG_TPM=%d, RAG_EMBEDDING_DIMENSIONS=256, other settings default%n", server.baseUrl(), tpm, tpm);
            long t = System.nanoTime();
            ChildJvm.Result r = ingest("openai", repo, env, true);
            double minutes = (System.nanoTime() - t) / 60e9;
            List<FakeOpenAiServer.Logged> log = server.log();
            long refused = log.stream().filter(l -> l.status() == 429).count();
            long inputs = log.stream().filter(l -> l.status() == 200).mapToLong(FakeOpenAiServer.Logged::inputs).sum();
            long tokens = log.stream().filter(l -> l.status() == 200).mapToLong(FakeOpenAiServer.Logged::tokens).sum();
            System.out.printf(Locale.ROOT, "fake server saw %,d requests (%,d answered 429), %,d inputs, %,d tokens"
                            + " = %,.0f tokens/minute over the run%n", log.size(), refused, inputs, tokens,
                    tokens / minutes);
            reproduce("--only=openai --tpm=" + tpm);
        }
    }

    private void rate(String what, long millis, long files, long bytes, String detail, ChildJvm.Result r) {
        double seconds = millis / 1000.0;
        System.out.printf(Locale.ROOT, "%s: %,d files, %.1f MB, %s in %.1f s = %.0f files/s, %.1f MB/s;"
                        + " child wall %.1f s, peak RSS %d MiB (most anonymous %d MiB, most file-backed %d MiB;"
                        + " RSS over the run: %s)%n", what, files, bytes / 1e6, detail, seconds, files / seconds,
                bytes / 1e6 / seconds, r.wallMillis() / 1000.0, r.peakRssKb() / 1024, r.peakAnonKb() / 1024,
                r.peakFileKb() / 1024, r.rssProfile());
    }

    /** The last round in the same JVM; peak RSS above covers every round. */
    private void warm(String what, long millis, long files, long bytes) {
        double seconds = millis / 1000.0;
        System.out.printf(Locale.ROOT, "  %s, round %d in the same JVM (warm): %.1f s = %.0f files/s, %.1f MB/s%n",
                what, rounds, seconds, files / seconds, bytes / 1e6 / seconds);
    }

    /** When the first progress line came, whether the total was known then, and how good the ETAs were. */
    private void progressReport(ChildJvm.Result r) {
        List<double[]> lines = new ArrayList<>();
        for (String line : r.err().split("\n")) {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                double eta = m.group(7) == null ? -1 : Integer.parseInt(m.group(7)) * 60 + Integer.parseInt(m.group(8));
                lines.add(new double[]{Double.parseDouble(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), eta});
            }
        }
        if (lines.isEmpty()) {
            System.out.println("  progress: no progress lines (the run was short)");
            return;
        }
        double end = r.wallMillis() / 1000.0;
        double[] first = lines.get(0);
        StringBuilder etas = new StringBuilder();
        for (int target : new int[]{5, 10, 25, 50, 75, 90}) {
            lines.stream().filter(l -> l[1] >= target && l[4] >= 0).findFirst().ifPresent(l -> etas.append(
                    String.format(Locale.ROOT, " %d%% at %.0fs: ETA %.0fs, actual %.0fs;", (int) l[1], l[0], l[4],
                            end - l[0])));
        }
        boolean monotonic = true;
        for (int i = 1; i < lines.size(); i++) {
            monotonic &= lines.get(i)[1] >= lines.get(i - 1)[1] && lines.get(i)[2] == first[2];
        }
        System.out.printf(Locale.ROOT, "  progress: %d lines; first at %.1fs: %d%%, %d files in total already;"
                        + " percent never fell and total never changed: %s; ETAs:%s%n", lines.size(), first[0],
                (int) first[1], (int) first[2], monotonic, etas);
    }

    private Map<String, String> env(Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RAG_HOME", home.toString());
        env.put("XDG_CONFIG_HOME", work.resolve("xdg").toString());
        return env;
    }

    private List<String> jvm() {
        return List.of("-Xmx" + xmx);
    }

    private Path fresh(String name) throws IOException {
        Path dir = work.resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static String median(List<double[]> ratios, int column) {
        double[] sorted = ratios.stream().mapToDouble(r -> r[column]).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.2fx (%.2f-%.2fx)", median, sorted[0], sorted[sorted.length - 1]);
    }

    private static void reproduce(String args) {
        System.out.println("  reproduce: " + COMMAND + " -Dexec.args=\"" + args + "\"");
    }

    private static Map<String, String> keyValues(String out) {
        Map<String, String> kv = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return kv;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}

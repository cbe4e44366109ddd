package dev.reporag.scale;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM on this JVM's classpath and watches its memory: VmRSS is
 * sampled from /proc/&lt;pid&gt;/status every 200 ms and VmHWM (the kernel's peak RSS) kept at its
 * last reading before the child exits.
 */
final class ChildJvm {
    /**
     * @param peakRssKb  VmHWM: the most resident memory at any time, file-backed pages included
     * @param peakAnonKb the most RssAnon sampled: heap and native memory, what the JVM itself holds
     * @param peakFileKb the most RssFile sampled: mapped files (jars, a Lucene index), reclaimable
     */
    record Result(int exitCode, long wallMillis, long peakRssKb, long peakAnonKb, long peakFileKb,
                  List<long[]> rssSamples, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** RSS in MiB at the given fractions of the run (from the samples). */
        String rssProfile() {
            if (rssSamples.isEmpty()) {
                return "-";
            }
            StringBuilder s = new StringBuilder();
            for (double at : new double[]{0.1, 0.25, 0.5, 0.75, 0.95}) {
                long[] sample = rssSamples.get((int) Math.min(rssSamples.size() - 1, Math.round(at * (rssSamples.size() - 1))));
                s.append(s.length() == 0 ? "" : ", ").append(Math.round(at * 100)).append("%: ")
                        .append(sample[1] / 1024).append(" MiB");
            }
            return s.toString();
        }
    }

    private ChildJvm() {
    }

    static Result run(Path work, String label, List<String> jvmOptions, Map<String, String> env, String mainClass,
                      String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(List.of(args));
        Path out = work.resolve(label + ".out");
        Path err = work.resolve(label + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        Thread pump = timestamped(process, start, err);
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        List<long[]> samples = new ArrayList<>();
        long peak = 0;
        long anon = 0;
        long file = 0;
        while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
            long[] memory = readStatus(status);
            if (memory != null) {
                peak = Math.max(peak, memory[1]);
                anon = Math.max(anon, memory[2]);
                file = Math.max(file, memory[3]);
                samples.add(new long[]{(System.nanoTime() - start) / 1_000_000, memory[0]});
            }
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        pump.join(10_000);
        return new Result(process.exitValue(), wall, peak, anon, file, samples, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Copies the child's stderr to a file, each line prefixed with the seconds since start: "[12.3s] ". */
    private static Thread timestamped(Process process, long start, Path err) {
        Thread pump = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(err, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.write(String.format(java.util.Locale.ROOT, "[%.1fs] %s%n", (System.nanoTime() - start) / 1e9, line));
                    w.flush();
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "child-stderr");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** {VmRSS, VmHWM, RssAnon, RssFile} in KiB, or null once the process is gone. */
    private static long[] readStatus(Path status) {
        try {
            long[] values = {-1, -1, 0, 0};
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    values[0] = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    values[1] = kib(line);
                } else if (line.startsWith("RssAnon:")) {
                    values[2] = kib(line);
                } else if (line.startsWith("RssFile:")) {
                    values[3] = kib(line);
                }
            }
            return values[0] < 0 || values[1] < 0 ? null : values;
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /**
     * The caller's classpath: surefire sets java.class.path; exec:java (rag-bench's benchmarks) only
     * exposes its class loader, which holds the module's target/classes or target/test-classes.
     */
    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        while (loader != null) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a file: not for a child JVM
                    }
                }
            }
            loader = loader.getParent();
        }
        boolean fromExec = entries.stream().anyMatch(e -> e.endsWith("classes"));
        return fromExec ? String.join(File.pathSeparator, entries) : System.getProperty("java.class.path");
    }
}

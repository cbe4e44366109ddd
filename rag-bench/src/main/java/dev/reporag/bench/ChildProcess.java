package dev.reporag.bench;

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
 * A main class run in a JVM of its own on this one's class path, timed from start to exit, its
 * peak resident memory read from /proc (the kernel's VmHWM, sampled every 100 ms until it exits).
 */
final class ChildProcess {
    /**
     * @param peakRssKb  VmHWM: the most resident memory at any time, file-backed pages included
     * @param peakAnonKb the most RssAnon sampled: heap and native memory, what the JVM itself holds
     */
    record Result(int exitCode, double seconds, long peakRssKb, long peakAnonKb, double cpuSeconds, String out,
                  String err) {
    }

    private ChildProcess() {
    }

    static Result run(Path work, String label, List<String> jvmOptions, Map<String, String> env, String mainClass,
                      List<String> args) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = start(work, label, jvmOptions, env, mainClass, args);
        Path out = work.resolve(label + ".out");
        Path err = work.resolve(label + ".err");
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        long peak = 0;
        long anon = 0;
        double cpu = 0;
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, memory(status, "VmHWM:"));
            anon = Math.max(anon, memory(status, "RssAnon:"));
            cpu = Math.max(cpu, cpuSeconds(stat));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(out, StandardCharsets.UTF_8);
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        // The JVM warns (on stdout, unless told otherwise) and goes on without it: the run would be measured as
        // another configuration than the one asked for.
        if (output.contains("Unable to use shared archive") || errors.contains("Unable to use shared archive")) {
            throw new IllegalStateException(label + ": the JVM could not use the class-data archive it was given (made"
                    + " for another build of the jar? run ./rag once to make it again); see " + out);
        }
        return new Result(process.exitValue(), seconds, peak, anon, cpu, output, errors);
    }

    /** Starts the JVM, its output in {@code <label>.out} and {@code .err} under {@code work}, without waiting. */
    static Process start(Path work, String label, List<String> jvmOptions, Map<String, String> env, String mainClass,
                         List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(work.resolve(label + ".out").toFile())
                .redirectError(work.resolve(label + ".err").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * User + system CPU seconds of the process so far (/proc/PID/stat, clock ticks of 1/100 s), or 0
     * once it is gone: sampled with the memory, so the last sample is within 100 ms of the end.
     */
    static double cpuSeconds(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** A /proc status field in KiB, or 0 once the process is gone. */
    private static long memory(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited between two samples
        }
        return 0;
    }

    /**
     * {@code -Dbench.child.classpath=rag-cli/target/rag.jar}: the product's children run from the shipped
     * jar, as {@code ./rag} and the Docker image run it (a class-data-sharing archive needs a class path
     * of jars only). Otherwise this JVM's class path: exec:java exposes it only through its class loader.
     */
    private static String classpath() {
        String shipped = System.getProperty("bench.child.classpath");
        if (shipped != null && !shipped.isBlank()) {
            return shipped;
        }
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null;
             loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException notAFile) {
                        // not for a child JVM
                    }
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
    }
}

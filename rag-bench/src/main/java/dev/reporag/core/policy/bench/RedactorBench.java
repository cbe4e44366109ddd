package dev.reporag.core.policy.bench;

import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.SecretRedactor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What secret redaction costs on a large body of real code, and what it redacts there. Not a test:
 * {@code scripts/bench.sh redactor} runs it on the JDK's own sources (a src.zip), which hold no real
 * secret, so every redaction it reports is a false positive; it prints each redacted line.
 *
 * <p>The read path is what ingestion does per file before chunking: inflate the blob (here from the
 * zip, in Git from a pack), check and decode it ({@link FileFilter#decode}, which includes the
 * redaction). The redactor's share is its own time over that whole.
 *
 * <p>Arguments: the zip (default: the JDK's src.zip), rounds (default 3; the first is a warm-up).
 */
public final class RedactorBench {
    public static void main(String[] args) throws Exception {
        Path zip = Path.of(args.length > 0 && !args[0].isBlank() ? args[0]
                : System.getProperty("java.home") + "/lib/src.zip");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        FileFilter filter = FileFilter.defaults();
        SecretRedactor redactor = new SecretRedactor();
        List<ZipEntry> entries = new ArrayList<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = archive.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory() && filter.checkPath(file(entry)).isEmpty()) {
                    entries.add(entry);
                }
            }
            System.out.printf("corpus: %s, %d files the filter keeps by path and size%n", zip, entries.size());
            for (int round = 1; round <= rounds; round++) {
                long readNanos = 0;
                long decodeNanos = 0;
                long redactNanos = 0;
                long bytes = 0;
                int redactions = 0;
                TreeMap<String, String> redactedLines = new TreeMap<>();
                for (ZipEntry entry : entries) {
                    long t0 = System.nanoTime();
                    byte[] content;
                    try (var in = archive.getInputStream(entry)) {
                        content = in.readAllBytes();
                    }
                    long t1 = System.nanoTime();
                    FileFilter.Decoded decoded = filter.decode(file(entry), content);
                    long t2 = System.nanoTime();
                    readNanos += t1 - t0;
                    decodeNanos += t2 - t1;
                    bytes += content.length;
                    if (!decoded.isText()) {
                        continue;
                    }
                    String text = new String(content, StandardCharsets.UTF_8);
                    long t3 = System.nanoTime();
                    SecretRedactor.Result result = redactor.redact(text);
                    redactNanos += System.nanoTime() - t3;
                    redactions += result.redactions();
                    if (result.redactions() > 0 && round == rounds) {
                        collect(entry.getName(), text, result.text(), redactedLines);
                    }
                }
                long path = readNanos + decodeNanos;
                System.out.printf("round %d%s: %.1f MB; inflate %d ms + check/decode/redact %d ms = read path %d ms;"
                                + " redaction alone %d ms = %.1f%% of the read path (%.0f MB/s); %d redactions%n",
                        round, round == 1 ? " (warm-up)" : "", bytes / 1e6, readNanos / 1_000_000,
                        decodeNanos / 1_000_000, path / 1_000_000, redactNanos / 1_000_000,
                        100.0 * redactNanos / path, bytes / 1e6 / (redactNanos / 1e9), redactions);
                if (round == rounds) {
                    System.out.printf("redacted lines (every one a false positive: the JDK holds no secrets): %d%n",
                            redactedLines.size());
                    redactedLines.forEach((where, line) -> System.out.println("  " + where + ": " + line));
                }
            }
        }
    }

    private static SourceFile file(ZipEntry entry) {
        return SourceFile.regular(entry.getName(), Math.max(0, entry.getSize()), "bench");
    }

    private static void collect(String name, String before, String after, TreeMap<String, String> into) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                String line = a[i].strip();
                into.put(name + ":" + (i + 1), line.length() > 160 ? line.substring(0, 160) + "..." : line);
            }
        }
    }
}

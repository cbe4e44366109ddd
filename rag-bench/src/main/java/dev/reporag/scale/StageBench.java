package dev.reporag.scale;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.Languages;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.EnclosingDeclarations;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.TextChunk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the job's CPU time goes, stage by stage, on one thread over files already in memory (the
 * indexable JDK sources, unpacked from src.zip when not there yet): path checks, decoding, splitting, the
 * embedder header's enclosing declarations, and chunk ids. Each stage runs three times; the last
 * run is printed (warm JIT). Prints MB/s per stage.
 *
 * <p>Arguments: [directory] (default $TMPDIR/reporag-scale/files).
 */
public final class StageBench {
    private StageBench() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("stagebench.child") == null) {
            // Its own JVM with a fixed heap: inside Maven's, the GC load depends on Maven's settings.
            Path work = Files.createTempDirectory("stagebench");
            ChildJvm.Result r = ChildJvm.run(work, "stages", List.of("-Xmx1g", "-Dstagebench.child=true"), java.util.Map.of(),
                    StageBench.class.getName(), args);
            System.out.print(r.out());
            if (!r.ok()) {
                System.out.println("StageBench failed (exit " + r.exitCode() + "): " + r.err());
            }
            return;
        }
        Path dir = Path.of(args.length > 0 ? args[0]
                : Path.of(System.getProperty("java.io.tmpdir"), "reporag-scale", "files").toString());
        if (!Files.isDirectory(dir)) {
            JdkCorpus.unpackIndexable(JdkCorpus.DEFAULT_ZIP, FileFilter.defaults(), dir);
        }
        List<SourceFile> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile).sorted()::iterator) {
                byte[] content = Files.readAllBytes(p);
                files.add(SourceFile.regular(dir.relativize(p).toString().replace('\\', '/'), content.length, "0"));
                contents.add(content);
                bytes += content.length;
            }
        }
        System.out.printf(Locale.ROOT, "%,d files, %.1f MB in memory, one thread of a child JVM at -Xmx1g%n",
                files.size(), bytes / 1e6);
        FileFilter filter = FileFilter.defaults();
        Chunker chunker = Chunker.defaults();
        ProjectId project = ProjectId.random();
        List<String> texts = new ArrayList<>();
        List<List<TextChunk>> pieces = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            boolean print = round == 2;
            long t = System.nanoTime();
            int kept = 0;
            for (SourceFile f : files) {
                kept += filter.checkPath(f).isEmpty() ? 1 : 0;
            }
            report(print, "FileFilter.checkPath (path globs)", t, bytes, kept + " kept");

            t = System.nanoTime();
            texts.clear();
            for (int i = 0; i < files.size(); i++) {
                FileFilter.Decoded d = filter.decode(files.get(i), contents.get(i));
                texts.add(d.isText() ? d.text() : "");
            }
            report(print, "FileFilter.decode (NUL sniff, UTF-8)", t, bytes, "");

            t = System.nanoTime();
            pieces.clear();
            long chunks = 0;
            for (String text : texts) {
                List<TextChunk> p = text.isEmpty() ? List.of() : chunker.split(text);
                pieces.add(p);
                chunks += p.size();
            }
            report(print, "Chunker.split", t, bytes, chunks + " chunks");

            t = System.nanoTime();
            for (int i = 0; i < texts.size(); i++) {
                EnclosingDeclarations.of(texts.get(i), Languages.ofPath(files.get(i).path()), pieces.get(i));
            }
            report(print, "EnclosingDeclarations.of (embedder header)", t, bytes, "");

            t = System.nanoTime();
            for (int i = 0; i < texts.size(); i++) {
                for (TextChunk piece : pieces.get(i)) {
                    Chunk.of(project, files.get(i).path(), "java", piece.startLine(), piece.endLine(), piece.text());
                }
            }
            report(print, "Chunk.of (SHA-256 + name UUID)", t, bytes, "");
        }
    }

    private static void report(boolean print, String stage, long startNanos, long bytes, String detail) {
        if (print) {
            double s = (System.nanoTime() - startNanos) / 1e9;
            System.out.printf(Locale.ROOT, "  %-48s %6.2f s  %6.1f MB/s  %s%n", stage, s, bytes / 1e6 / s, detail);
        }
    }
}

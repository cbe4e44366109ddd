package dev.reporag.scale;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.loader.FileSystemDocumentLoader;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Child JVM of {@link ScaleBench}: the LangChain4j way of turning a directory into chunks,
 * {@code FileSystemDocumentLoader} + {@code DocumentSplitters.recursive(1000, 200)}. Prints
 * {@code key=value} lines, and {@code status=OutOfMemoryError} if the heap runs out.
 *
 * <p>Arguments: directory, mode: {@code all} (loadDocumentsRecursively, then splitAll: the way
 * the documentation shows) or {@code each} (load and split one file at a time), and optionally how
 * many rounds to run in this JVM (the first is timed as {@code jobMillis}, the last as
 * {@code warmMillis}).
 */
public final class SplitBaseline {
    private SplitBaseline() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        DocumentSplitter splitter = DocumentSplitters.recursive(1000, 200);
        long segments = 0;
        long files = 0;
        for (int round = 1; round <= rounds; round++) {
            long t = System.nanoTime();
            segments = 0;
            files = 0;
            try {
                if (mode.equals("all")) {
                    List<Document> documents = FileSystemDocumentLoader.loadDocumentsRecursively(dir);
                    files = documents.size();
                    List<TextSegment> all = splitter.splitAll(documents);
                    segments = all.size();
                } else {
                    try (Stream<Path> paths = Files.walk(dir)) {
                        for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                            segments += splitter.split(FileSystemDocumentLoader.loadDocument(path)).size();
                            files++;
                        }
                    }
                }
            } catch (OutOfMemoryError e) {
                System.out.println("status=OutOfMemoryError");
                System.out.println("jobMillis=" + (System.nanoTime() - t) / 1_000_000);
                return;
            }
            // Round 1 is a fresh JVM (what one command sees); the last, warm, what a long-lived process sees.
            System.out.println((round == 1 ? "jobMillis=" : "warmMillis=") + (System.nanoTime() - t) / 1_000_000);
        }
        System.out.println("status=OK");
        System.out.println("rounds=" + rounds);
        System.out.println("files=" + files);
        System.out.println("chunks=" + segments);
    }
}

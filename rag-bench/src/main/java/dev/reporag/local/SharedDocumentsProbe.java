package dev.reporag.local;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ProjectId;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a second project's chunks would cost the embedded store if chunk documents were shared by
 * the projects holding them (issue 22, item 3): adding a project's documents again, as the store
 * does, against marking the first project's documents as the second's too (a doc-values update
 * per document, no text analysed). Each mode in a JVM of its own, as one-shot {@code rag ingest}
 * runs (docs/benchmarks/reuse.md):
 *
 * <pre>
 * java -XX:TieredStopAtLevel=1 -cp CP dev.reporag.local.SharedDocumentsProbe SOURCE_DIR INDEX first
 * cp -r INDEX INDEX.copy
 * java -XX:TieredStopAtLevel=1 -cp CP dev.reporag.local.SharedDocumentsProbe SOURCE_DIR INDEX again
 * rm -r INDEX; mv INDEX.copy INDEX
 * java -XX:TieredStopAtLevel=1 -cp CP dev.reporag.local.SharedDocumentsProbe SOURCE_DIR INDEX shared
 * </pre>
 *
 * Chunks are 1,000-character pieces of every {@code .java} file under SOURCE_DIR, written as the
 * store writes chunk documents ({@link LuceneVectorStore#document}), plus a share key and the
 * projects holding each as doc values.
 */
public final class SharedDocumentsProbe {
    private static final String SHARE = "share";
    private static final String PROJECTS = "projects";

    private SharedDocumentsProbe() {
    }

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Path source = Path.of(args[0]);
        String mode = args[2];
        List<Chunk> pieces = new ArrayList<>();
        ProjectId project = new ProjectId(mode.equals("first") ? "first" : "second");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                String path = source.relativize(file).toString();
                for (int i = 0; i < text.length(); i += 1000) {
                    String piece = text.substring(i, Math.min(text.length(), i + 1000));
                    if (!piece.isBlank()) {
                        pieces.add(Chunk.of(project, path, "java", 1 + i / 1000, 1 + i / 1000, piece));
                    }
                }
            }
        }
        long read = System.nanoTime();
        try (Directory directory = FSDirectory.open(Path.of(args[1]));
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new CodeAnalyzer())
                     .setMaxFullFlushMergeWaitMillis(0))) {
            long opened = System.nanoTime();
            for (Chunk chunk : pieces) {
                String share = chunk.path() + '#' + chunk.startLine() + '#' + chunk.contentHash();
                if (mode.equals("shared")) {
                    writer.updateBinaryDocValue(new Term(SHARE, share), PROJECTS, new BytesRef("first\nsecond"));
                } else {
                    Document doc = LuceneVectorStore.document(chunk, chunk.contentHash());
                    doc.add(new StringField(SHARE, share, Field.Store.NO));
                    doc.add(new BinaryDocValuesField(PROJECTS, new BytesRef(project.value())));
                    writer.addDocument(doc);
                }
            }
            long written = System.nanoTime();
            writer.commit();
            long committed = System.nanoTime();
            System.out.printf(Locale.ROOT, "%s: %,d chunks; reading the files %d ms, opening the index %d ms,"
                            + " writing %d ms, committing %d ms%n", mode, pieces.size(), (read - start) / 1_000_000,
                    (opened - read) / 1_000_000, (written - opened) / 1_000_000, (committed - written) / 1_000_000);
        }
    }
}

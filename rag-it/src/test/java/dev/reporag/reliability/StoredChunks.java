package dev.reporag.reliability;

import dev.reporag.pgvector.TestSchema;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every chunk a store holds, read straight from its files or tables, not through the port. */
final class StoredChunks {
    record Stored(String id, String project, String path, String language, int start, int end, String text) {
        /** What a clean run must reproduce, independent of the project id. */
        String content() {
            return path + ":" + start + "-" + end + "\n" + text;
        }
    }

    private StoredChunks() {
    }

    /**
     * The chunk documents of the embedded store under {@code home} (RAG_HOME), written with one
     * embedding model (its one {@code index-<model>} directory); the store must be closed (no
     * process running on it).
     */
    static List<Stored> embedded(Path home) throws Exception {
        List<Stored> chunks = new ArrayList<>();
        Path index;
        try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(home.resolve("store"))) {
            List<Path> indexes = entries.filter(p -> p.getFileName().toString().startsWith("index-")).toList();
            if (indexes.size() != 1) {
                throw new IllegalStateException("expected one model's index in " + home + ", found " + indexes);
            }
            index = indexes.get(0);
        }
        try (FSDirectory directory = FSDirectory.open(index);
             DirectoryReader reader = DirectoryReader.open(directory)) {
            Bits live = MultiBits.getLiveDocs(reader);
            StoredFields fields = reader.storedFields();
            for (int i = 0; i < reader.maxDoc(); i++) {
                if (live != null && !live.get(i)) {
                    continue;
                }
                Document doc = fields.document(i);
                if (doc.get("id") == null) {
                    continue; // a vector document: one per embedding key, shared by the chunks holding it
                }
                chunks.add(new Stored(doc.get("id"), doc.get("project"), doc.get("path"), doc.get("language"),
                        doc.getField("start").numericValue().intValue(), doc.getField("end").numericValue().intValue(),
                        doc.get("text")));
            }
        }
        return chunks;
    }

    static List<Stored> postgres(TestSchema db) throws Exception {
        List<Stored> chunks = new ArrayList<>();
        try (Connection connection = db.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, project_id, path, language, start_line, end_line,"
                     + " text FROM chunks ORDER BY id")) {
            while (rows.next()) {
                chunks.add(new Stored(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getInt(5), rows.getInt(6), rows.getString(7)));
            }
        }
        return chunks;
    }
}

package dev.reporag.bench;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.loader.FileSystemDocumentLoader;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * LangChain4j's default recipe as a user writes it, timed in a JVM of its own: load every file of
 * a directory, split it with the recipe's splitter, embed all segments, add them to an in-memory
 * store. Prints one line: {@code segments=N seconds=S} (from the start of main to the end of the
 * store's addAll). Run by {@link IndexingRun}.
 */
public final class RecipeIngest {
    private RecipeIngest() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        List<Document> documents = FileSystemDocumentLoader.loadDocumentsRecursively(Path.of(args[0]));
        List<TextSegment> segments = RecipeIndex.splitter().splitAll(documents);
        EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        List<Embedding> embeddings = model.embedAll(segments).content();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        store.addAll(embeddings, segments);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT, "documents=%d segments=%d seconds=%.1f", documents.size(),
                segments.size(), seconds));
    }
}

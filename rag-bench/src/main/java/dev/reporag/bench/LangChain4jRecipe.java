package dev.reporag.bench;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's default RAG recipe, as its tutorials write it: {@code DocumentSplitters.recursive(300, 30)},
 * the same all-MiniLM-L6-v2 model through LangChain4j's own {@code AllMiniLmL6V2EmbeddingModel}, an
 * {@code InMemoryEmbeddingStore}, vector search only.
 */
final class LangChain4jRecipe {
    private final EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    private InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();

    /** Splits and embeds every file; returns the number of segments. */
    int ingest(Map<String, String> files) {
        List<TextSegment> all = new ArrayList<>();
        var splitter = DocumentSplitters.recursive(300, 30);
        for (Map.Entry<String, String> file : files.entrySet()) {
            all.addAll(splitter.split(Document.from(file.getValue(), Metadata.from("path", file.getKey()))));
        }
        List<Embedding> embeddings = model.embedAll(all).content();
        store.addAll(embeddings, all);
        return all.size();
    }

    /** Reuses what an earlier run embedded, when {@code file} exists; else ingests and saves it there. */
    String ingestOrReuse(Map<String, String> files, Path file) {
        if (file != null && Files.isRegularFile(file)) {
            store = InMemoryEmbeddingStore.fromFile(file);
            return "reused from " + file;
        }
        long start = System.nanoTime();
        int segments = ingest(files);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (file != null) {
            store.serializeToFile(file);
        }
        return String.format("%d segments of <= 300 chars in %.1f s (%.1f segments/s)", segments, seconds,
                segments / seconds);
    }

    /** Paths of the best segments, best first (enough segments to find {@link Scores#DEPTH} files). */
    List<String> search(String question) {
        Embedding query = model.embed(question).content();
        List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(query).maxResults(Scores.DEPTH * 10).build()).matches();
        return matches.stream().map(m -> m.embedded().metadata().getString("path")).toList();
    }
}

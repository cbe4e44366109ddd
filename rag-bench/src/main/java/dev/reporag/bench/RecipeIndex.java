package dev.reporag.bench;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.reporag.core.eval.EvalIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LangChain4j's default recipe as its "easy RAG" sets it up: {@code DocumentSplitters.recursive(300,
 * 30, new HuggingFaceTokenCountEstimator())} (300 tokens, 30 of overlap), all-MiniLM-L6-v2 through
 * LangChain4j's own {@code AllMiniLmL6V2EmbeddingModel}, an {@code InMemoryEmbeddingStore}, vector
 * search only. Its vectors go through a {@link VectorCache} (computed once, the same vectors).
 */
final class RecipeIndex implements EvalIndex {
    /** Segments searched per question: enough to find {@code max} distinct files. */
    private static final int SEGMENTS = 100;

    static DocumentSplitter splitter() {
        return DocumentSplitters.recursive(300, 30, new HuggingFaceTokenCountEstimator());
    }

    private final EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    private final DocumentSplitter splitter = splitter();
    private final InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    private final Map<String, List<String>> idsByPath = new HashMap<>();
    private final VectorCache cache;
    private long segments;

    RecipeIndex(VectorCache cache) {
        this.cache = cache;
    }

    @Override
    public void put(Map<String, String> files) {
        remove(files.keySet());
        List<TextSegment> all = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        files.forEach((path, text) -> {
            for (TextSegment segment : splitter.split(Document.from(text, Metadata.from("path", path)))) {
                all.add(segment);
                paths.add(path);
            }
        });
        if (all.isEmpty()) {
            return;
        }
        List<float[]> vectors = cache.get(all.stream().map(TextSegment::text).toList(), texts -> model.embedAll(
                texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList());
        List<String> ids = store.addAll(vectors.stream().map(Embedding::from).toList(), all);
        for (int i = 0; i < ids.size(); i++) {
            idsByPath.computeIfAbsent(paths.get(i), p -> new ArrayList<>()).add(ids.get(i));
        }
        segments += all.size();
    }

    @Override
    public void remove(Set<String> paths) {
        List<String> ids = new ArrayList<>();
        for (String path : paths) {
            List<String> removed = idsByPath.remove(path);
            if (removed != null) {
                ids.addAll(removed);
            }
        }
        if (!ids.isEmpty()) {
            store.removeAll(ids);
        }
    }

    @Override
    public List<String> rank(String question, int max) {
        Embedding query = Embedding.from(cache.get(List.of(question),
                texts -> List.of(model.embed(texts.get(0)).content().vector())).get(0));
        List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(query).maxResults(SEGMENTS).build()).matches();
        Set<String> files = new LinkedHashSet<>();
        for (EmbeddingMatch<TextSegment> match : matches) {
            files.add(match.embedded().metadata().getString("path"));
            if (files.size() == max) {
                break;
            }
        }
        return List.copyOf(files);
    }

    /** Segments embedded or taken from the cache so far. */
    long segments() {
        return segments;
    }
}

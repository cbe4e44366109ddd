package dev.reporag.core.eval;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The retriever under evaluation, with an index of its own that the evaluation fills with the
 * files of each tree it asks questions of. repo-rag's is {@link StoreEvalIndex}; a benchmark adds
 * others (LangChain4j's recipe) to compare on the same files and questions.
 */
public interface EvalIndex extends AutoCloseable {
    /** Adds these files (path to text), replacing what the index holds of the same paths. */
    void put(Map<String, String> files);

    /** Removes these files from the index. */
    void remove(Set<String> paths);

    /** The files that best answer the question, best first, each once, at most {@code max}. */
    List<String> rank(String question, int max);

    @Override
    default void close() {
    }
}

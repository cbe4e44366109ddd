package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The product's CLI as the benchmarks run it: a JVM of its own with {@code ./rag}'s one-shot flags. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHILD_PREFIX = "BENCH_CHILD_";

    private Cli() {
    }

    /** Runs {@code rag <args>}, its output in {@code <label>.out}/{@code .err} under {@code work}; fails unless it exits 0. */
    static ChildProcess.Result run(Path work, String label, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        ChildProcess.Result result = ChildProcess.run(work, label, IndexingRun.INGEST_JVM, env, "dev.reporag.cli.Main",
                args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("rag " + String.join(" ", args) + " failed (" + result.exitCode() + "): "
                    + result.out() + result.err());
        }
        return result;
    }

    /** The JSON object or array a {@code --json} command printed (after any line before it). */
    static JsonNode json(String out) throws IOException {
        int object = out.indexOf('{');
        int array = out.indexOf('[');
        return JSON.readTree(out.substring(array >= 0 && (object < 0 || array < object) ? array : object));
    }

    /**
     * The variables of a run on local Git directories, its data under {@code work}, and every
     * {@code BENCH_CHILD_<NAME>} of this process as {@code <NAME>}.
     */
    static Map<String, String> env(Path work) {
        Map<String, String> env = new HashMap<>(Map.of("RAG_ALLOW_LOCAL_SOURCES", "true",
                "RAG_HOME", work.resolve("home").toString(), "RAG_LOG_LEVEL", "WARN",
                "XDG_CONFIG_HOME", work.resolve("xdg").toString()));
        System.getenv().forEach((variable, value) -> {
            if (variable.startsWith(CHILD_PREFIX)) {
                env.put(variable.substring(CHILD_PREFIX.length()), value);
            }
        });
        return env;
    }

    /**
     * As {@link #env(Path)}, pointed at {@code server} as an OpenAI-compatible API with 256-dimension
     * vectors (a {@code BENCH_CHILD_} variable of the same name still wins).
     */
    static Map<String, String> env(Path work, FakeEmbeddingsServer server) {
        Map<String, String> env = env(work);
        env.putIfAbsent("OPENAI_API_KEY", "sk-bench-not-a-real-key");
        env.putIfAbsent("OPENAI_BASE_URL", server.baseUrl());
        env.putIfAbsent("RAG_EMBEDDING_DIMENSIONS", "256");
        return env;
    }

    /** {@code owner/name} of a Git directory the search tool's fetch put at {@code …/<owner>+<name>/repo}. */
    static String repositoryName(Path mirror) {
        return mirror.getParent().getFileName().toString().replace('+', '/');
    }
}

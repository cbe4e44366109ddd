package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The estimate's token total against OpenAI's own tokenizer, on repositories we did not write
 * (issue 22: within 2 % of what the server counts). For each Git directory given: {@code rag estimate
 * <repo> --json} (a JVM of its own; the server must see no request), then {@code rag ingest <repo>}
 * against {@link FakeEmbeddingsServer}, which keeps every input it is sent, and then those inputs
 * counted by the npm package {@code tiktoken} (the WASM build of OpenAI's Rust tokenizer,
 * {@code count-tokens.cjs}) — an implementation other than the one the product counts with (JTokkit).
 *
 * <p>Arguments: a work directory, then Git directories (the search tool's fetch puts them in
 * {@code /work/.mirror/<owner>+<name>/repo}). {@code BENCH_TIKTOKEN} names the directory where
 * {@code npm install --prefix DIR tiktoken@1.0.22} installed it (default {@code rag-bench/target/tiktoken}).
 */
public final class EstimateBench {
    private static final double GOAL_PERCENT = 2.0;

    private EstimateBench() {
    }

    private record Row(String repository, String commit, int filesKept, long chunks, long inputs, long estimated,
                       long counted) {
        double differencePercent() {
            return counted == 0 ? 0 : 100.0 * (estimated - counted) / counted;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("arguments: WORK_DIR GIT_DIR [GIT_DIR ...]");
        }
        Path work = Path.of(args[0]);
        Path tiktoken = Path.of(System.getenv().getOrDefault("BENCH_TIKTOKEN", "rag-bench/target/tiktoken"))
                .toAbsolutePath();
        if (!Files.isDirectory(tiktoken.resolve("node_modules/tiktoken"))) {
            throw new IllegalStateException("tiktoken is not installed in " + tiktoken + ": npm install --prefix "
                    + tiktoken + " tiktoken@1.0.22");
        }
        ReuseBench.deleteTree(work);
        Files.createDirectories(work);
        Path script = work.resolve("count-tokens.cjs");
        try (InputStream in = EstimateBench.class.getResourceAsStream("/count-tokens.cjs")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }

        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            rows.add(measure(work.resolve("r" + i), Path.of(args[i]), script, tiktoken));
        }
        System.out.println("| repository | commit | files kept | chunks (estimate) | inputs sent | tokens (estimate)"
                + " | tokens (tiktoken, of the inputs sent) | estimate - counted | within 2 % |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        int met = 0;
        for (Row row : rows) {
            boolean within = Math.abs(row.differencePercent()) <= GOAL_PERCENT && row.chunks() == row.inputs();
            met += within ? 1 : 0;
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %,d | %+.3f %% | %s |%n",
                    row.repository(), row.commit(), row.filesKept(), row.chunks(), row.inputs(), row.estimated(),
                    row.counted(), row.differencePercent(), within ? "yes" : "NO");
        }
        System.out.printf(Locale.ROOT, "within %.0f %% (and as many chunks as inputs): %d of %d repositories%n",
                GOAL_PERCENT, met, rows.size());
    }

    private static Row measure(Path work, Path mirror, Path script, Path tiktoken) throws Exception {
        Files.createDirectories(work);
        Path bare = work.resolve("repo.git");
        String head = MirrorCopy.copyHead(mirror, bare);
        String name = Cli.repositoryName(mirror);
        Path inputs = work.resolve("inputs.jsonl");
        try (FakeEmbeddingsServer server = new FakeEmbeddingsServer(0, inputs)) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-bench-not-a-real-key",
                    "OPENAI_BASE_URL", server.baseUrl(), "RAG_EMBEDDING_DIMENSIONS", "256",
                    "RAG_ALLOW_LOCAL_SOURCES", "true", "RAG_HOME", work.resolve("home").toString(),
                    "RAG_LOG_LEVEL", "WARN", "XDG_CONFIG_HOME", work.resolve("xdg").toString(),
                    "RAG_TPM", "100000000", "RAG_RPM", "100000"));
            JsonNode estimate = Cli.json(Cli.run(work, "estimate", env, List.of("estimate", bare.toString(), "--json"))
                    .out());
            if (server.requests.get() != 0) {
                throw new IllegalStateException("rag estimate sent " + server.requests.get() + " request(s)");
            }
            JsonNode status = Cli.json(Cli.run(work, "ingest", env, List.of("ingest", bare.toString(), "--name",
                    "estimated", "--json")).out());
            if (!"READY".equals(status.path("status").asText())) {
                throw new IllegalStateException(name + " ended " + status);
            }
            server.close(); // flushes the inputs
            JsonNode counted = Cli.json(node(work, script, tiktoken, inputs));
            return new Row(name, head.substring(0, 12), estimate.path("filesKept").asInt(),
                    estimate.path("chunks").asLong(), server.inputs.get(), estimate.path("tokens").asLong(),
                    counted.path("tokens").asLong());
        }
    }

    private static String node(Path work, Path script, Path tiktoken, Path inputs) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), inputs.toString())
                .redirectError(work.resolve("node.err").toFile());
        builder.environment().put("NODE_PATH", tiktoken.resolve("node_modules").toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("node count-tokens.cjs failed: " + Files.readString(work.resolve("node.err")));
        }
        return out;
    }
}

package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.pgvector.TestSchema;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model switch on a real repository while the service answers: a {@code rag serve} on PostgreSQL
 * with model A indexes the repository, then {@code rag reembed --all} runs in another process
 * configured with model B (other dimensions), and meanwhile questions go to the service without
 * pause. Prints the answers' statuses before, during and after the switch, the re-embedding's time
 * and inputs, and that a process on model B answers afterwards. The service lets one client ask without
 * a per-minute limit ({@code RAG_ASK_RATE_PER_MINUTE}), as if many clients asked.
 *
 * <p>Arguments: a work directory, the server's latency in milliseconds, a Git directory (the search
 * tool's fetch puts them in {@code /work/.mirror/<owner>+<name>/repo}). Needs {@code RAG_TEST_DATABASE_URL}.
 */
public final class ModelSwitchBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUESTION = "{\"question\":\"where are the parser's errors reported?\"}";

    private ModelSwitchBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int latency = Integer.parseInt(args[1]);
        Path mirror = Path.of(args[2]);
        ReuseBench.deleteTree(work);
        Files.createDirectories(work);
        Path bare = work.resolve("repo.git");
        String head = MirrorCopy.copyHead(mirror, bare);
        try (FakeEmbeddingsServer server = new FakeEmbeddingsServer(latency, null);
             TestSchema schema = new TestSchema("model_switch_bench")) {
            Map<String, String> modelA = Cli.env(work, server);
            modelA.putAll(Map.of("RAG_EMBEDDING_MODEL", "text-embedding-3-small", "RAG_EMBEDDING_DIMENSIONS", "256",
                    "DATABASE_URL", schema.databaseUrl(), "RAG_ASK_RATE_PER_MINUTE", "1000000"));
            Map<String, String> modelB = new java.util.HashMap<>(modelA);
            modelB.putAll(Map.of("RAG_EMBEDDING_MODEL", "text-embedding-3-large", "RAG_EMBEDDING_DIMENSIONS", "512",
                    "RAG_HOME", work.resolve("home-b").toString()));
            // Indexed with model A first; then a web service without workers of its own answers (as on render.yaml's
            // web service), so that only `rag reembed` takes the re-embedding.
            JsonNode status = Cli.json(Cli.run(work, "ingest-a", modelA, List.of("ingest", bare.toString(), "--name",
                    "switched", "--json")).out());
            String id = status.path("id").asText();
            long chunks = status.path("chunks").asLong();
            try (ReuseBench.Service service = ReuseBench.Service.start(work, modelA, false,
                    List.of("serve", "--workers", "0"))) {

                Map<Integer, Integer> before = ask(service, id, 20);
                Process reembed = ChildProcess.start(work, "reembed", IndexingRun.INGEST_JVM, modelB,
                        "dev.reporag.cli.Main", List.of("reembed", "--all"));
                long started = System.nanoTime();
                Map<Integer, Integer> during = new TreeMap<>();
                int asked = 0;
                while (reembed.isAlive()) {
                    ask(service, id, 1).forEach((code, n) -> during.merge(code, n, Integer::sum));
                    asked++;
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                if (reembed.exitValue() != 0) {
                    throw new IllegalStateException("rag reembed failed: " + Files.readString(work.resolve("reembed.err")));
                }
                long inputsB = server.inputsByModel.getOrDefault("text-embedding-3-large",
                        new java.util.concurrent.atomic.AtomicLong()).get();
                HttpResponse<String> stale = service.send("POST", "/api/projects/" + id + "/ask", QUESTION);
                Map<Integer, Integer> after = ask(service, id, 20);
                JsonNode answerB = Cli.json(Cli.run(work, "ask-b", modelB, List.of("ask", "--project", "switched",
                        "where are the parser's errors reported?", "--json")).out());

                System.out.printf(Locale.ROOT, "%s at %s: %,d chunks; OpenAI-compatible server in this JVM, %d ms a"
                        + " request; PostgreSQL; model A text-embedding-3-small (256 dimensions) in `rag serve --workers 0`, model B"
                        + " text-embedding-3-large (512) in `rag reembed --all`%n", Cli.repositoryName(mirror),
                        head.substring(0, 12), chunks, latency);
                System.out.printf(Locale.ROOT, "| | questions to the service (model A) | answers by status |%n|---|---|---|%n");
                System.out.printf(Locale.ROOT, "| before the switch | 20 | %s |%n", before);
                System.out.printf(Locale.ROOT, "| while `rag reembed` ran (%.1f s, %,d inputs embedded for model B) | %d | %s |%n",
                        seconds, inputsB, asked, during);
                System.out.printf(Locale.ROOT, "| after it (the service still on model A) | 20 | %s |%n", after);
                System.out.printf(Locale.ROOT, "the first answer after: %d %s%n", stale.statusCode(),
                        stale.body().substring(0, Math.min(300, stale.body().length())));
                System.out.printf(Locale.ROOT, "`rag ask` with model B: %d citations, first %s%n",
                        answerB.path("citations").size(), answerB.path("citations").path(0).path("path").asText());
            }
        }
    }

    private static Map<Integer, Integer> ask(ReuseBench.Service service, String id, int times) throws Exception {
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < times; i++) {
            statuses.merge(service.send("POST", "/api/projects/" + id + "/ask", QUESTION).statusCode(), 1,
                    Integer::sum);
        }
        return statuses;
    }
}

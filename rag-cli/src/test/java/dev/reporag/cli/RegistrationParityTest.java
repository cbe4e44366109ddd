package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.http.HttpSettings;
import dev.reporag.http.RagHttpServer;
import dev.reporag.http.RunningServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI ({@code rag add}, in-process) and the HTTP API ({@code POST /api/projects}, over real HTTP)
 * go through one table of registration requests, each from an empty store, and must reach the same
 * outcome for every row: they share one rule ({@code RepoRag.registerOrFind}) and add only parsing
 * and presentation.
 */
class RegistrationParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a request came to: the project registered or found (by name, and which row made it), or why not. */
    record Outcome(String kind, String name, int madeByRow) {
        static Outcome refused() {
            return new Outcome("REFUSED", null, -1);
        }

        static Outcome conflict() {
            return new Outcome("CONFLICT", null, -1);
        }
    }

    /** One request: the source, and the name asked for (null: none). */
    record Request(String what, String source, String name) {
    }

    @TempDir
    Path tmp;

    /**
     * Not in the table: a path or file:// URL on the CLI's own command line, which the CLI accepts
     * whatever RAG_ALLOW_LOCAL_SOURCES says (its user owns this machine; docs/cli.md). That is which
     * sources the process trusts, set in the composition root, not a rule of registration.
     */
    private static List<Request> table() {
        return List.of(
                new Request("a new source", "https://github.com/acme/shop.git", "shop"),
                new Request("the same source again under another name", "https://github.com/acme/shop.git", "store"),
                new Request("the same name for another source", "https://github.com/acme/other.git", "shop"),
                new Request("a new source without a name", "https://github.com/acme/cart.git", null),
                new Request("a name from the source that is taken", "https://gitlab.com/acme/cart.git", null),
                new Request("a bad source (ssh)", "ssh://git@github.com/acme/shop.git", "ssh"),
                new Request("a bad source (remote helper)", "ext::sh -c id", "helper"),
                new Request("a loopback URL when local sources are refused", "http://127.0.0.1:9/acme/shop.git",
                        "loop"));
    }

    @Test
    void theCliAndTheHttpApiReachTheSameOutcomeForEveryRequest() throws Exception {
        List<Request> table = table();
        Map<String, Outcome> cli = throughTheCli(table);
        Map<String, Outcome> http = throughHttp(table);

        assertThat(http).isEqualTo(cli);
        // The table is worth something only if it holds every kind of outcome.
        assertThat(cli.values()).extracting(Outcome::kind)
                .contains("REGISTERED", "FOUND", "CONFLICT", "REFUSED");
        assertThat(cli.get("the same source again under another name"))
                .isEqualTo(new Outcome("FOUND", "shop", 0));
        assertThat(cli.get("a new source without a name")).isEqualTo(new Outcome("REGISTERED", "cart", 3));
    }

    private Map<String, String> env(String home) {
        Map<String, String> env = new HashMap<>();
        env.put("RAG_HOME", tmp.resolve(home).toString());
        env.put("RAG_EMBEDDER", "hashing");
        env.put("RAG_ALLOW_LOCAL_SOURCES", "false");
        return env;
    }

    private Map<String, Outcome> throughTheCli(List<Request> table) throws Exception {
        Map<String, String> env = env("cli-home");
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (Request request : table) {
            List<String> args = new ArrayList<>(List.of("add", request.source()));
            if (request.name() != null) {
                args.addAll(List.of("--name", request.name()));
            }
            CliRun run = CliRun.run(env, "", args.toArray(String[]::new));
            Outcome outcome = switch (run.exitCode()) {
                case ExitCodes.OK -> {
                    String id = run.out().strip();
                    CliRun status = CliRun.run(env, "", "status", "--project-id", id, "--json");
                    String name = JSON.readTree(status.out()).get(0).get("name").asText();
                    yield registeredOrFound(ids, id, name);
                }
                case ExitCodes.FAILED -> Outcome.conflict();
                case ExitCodes.USAGE -> Outcome.refused();
                default -> throw new AssertionError(request + ": " + run);
            };
            ids.add(outcome.kind().equals("REFUSED") || outcome.kind().equals("CONFLICT") ? null
                    : run.out().strip());
            outcomes.put(request.what(), outcome);
        }
        return outcomes;
    }

    private Map<String, Outcome> throughHttp(List<Request> table) throws Exception {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        try (Wiring wiring = Wiring.open(Config.fromEnvironment(env("http-home")));
             RunningServer server = RagHttpServer.start(wiring.rag(), HttpSettings.defaults(),
                     new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", 0)) {
            for (Request request : table) {
                Map<String, String> body = new LinkedHashMap<>();
                body.put("repoUrl", request.source());
                if (request.name() != null) {
                    body.put("name", request.name());
                }
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/api/projects"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                Outcome outcome = switch (response.statusCode()) {
                    case 200, 201 -> {
                        JsonNode project = JSON.readTree(response.body());
                        Outcome o = registeredOrFound(ids, project.get("id").asText(), project.get("name").asText());
                        assertThat(response.statusCode()).as(request.what())
                                .isEqualTo(o.kind().equals("REGISTERED") ? 201 : 200);
                        ids.add(project.get("id").asText());
                        yield o;
                    }
                    case 409 -> Outcome.conflict();
                    case 400 -> Outcome.refused();
                    default -> throw new AssertionError(request + ": " + response.statusCode() + " " + response.body());
                };
                if (response.statusCode() >= 400) {
                    ids.add(null);
                }
                outcomes.put(request.what(), outcome);
            }
        }
        return outcomes;
    }

    /** REGISTERED by this row, or FOUND: made by an earlier row. */
    private static Outcome registeredOrFound(List<String> earlierIds, String id, String name) {
        int row = earlierIds.indexOf(id);
        return row < 0 ? new Outcome("REGISTERED", name, earlierIds.size()) : new Outcome("FOUND", name, row);
    }
}

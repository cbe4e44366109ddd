package dev.reporag.docs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The deployment files as data: the Dockerfile's instructions and a Render blueprint's services. */
final class Deployment {
    private Deployment() {
    }

    /** The instructions of the Dockerfile that matter here. */
    record Dockerfile(List<String> from, List<String> buildCommands, String workdir, String copyFrom,
                      String copyTo, String user, List<String> entrypoint, List<String> cmd) {
        /** The JVM flags of the ENTRYPOINT: everything between {@code java} and {@code -jar}. */
        List<String> jvmFlags() {
            return entrypoint.subList(1, entrypoint.indexOf("-jar"));
        }

        static Dockerfile read() {
            List<String> from = new ArrayList<>();
            List<String> run = new ArrayList<>();
            String workdir = null;
            String copyFrom = null;
            String copyTo = null;
            String user = null;
            List<String> entrypoint = List.of();
            List<String> cmd = List.of();
            for (String line : Repo.read("Dockerfile").replaceAll("\\\\\n", " ").split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String keyword = l.split("\\s+")[0];
                String rest = l.substring(keyword.length()).strip();
                switch (keyword) {
                    case "FROM" -> from.add(rest);
                    case "RUN" -> run.add(rest);
                    case "WORKDIR" -> workdir = workdir == null ? rest : workdir;
                    case "USER" -> user = rest;
                    case "ENTRYPOINT" -> entrypoint = json(rest);
                    case "CMD" -> cmd = json(rest);
                    case "COPY" -> {
                        if (rest.startsWith("--from=")) {
                            String[] parts = rest.split("\\s+");
                            copyFrom = parts[1];
                            copyTo = parts[2];
                        }
                    }
                    default -> {
                    }
                }
            }
            return new Dockerfile(from, run, workdir, copyFrom, copyTo, user, entrypoint, cmd);
        }

        private static List<String> json(String array) {
            try {
                return new ObjectMapper().readValue(array, new TypeReference<List<String>>() {
                });
            } catch (IOException e) {
                throw new IllegalStateException("not an exec-form JSON array: " + array, e);
            }
        }
    }

    /** One service of a blueprint: its command words and its variables by kind. */
    record Service(String type, String name, String plan, String runtime, String dockerfilePath,
                   List<String> command, String healthCheckPath, String schedule,
                   Map<String, String> values, Map<String, String> fromDatabase, Set<String> prompted,
                   Set<String> generated) {
        Set<String> variables() {
            Set<String> all = new LinkedHashSet<>(values.keySet());
            all.addAll(fromDatabase.keySet());
            all.addAll(prompted);
            all.addAll(generated);
            return all;
        }
    }

    record Blueprint(List<Service> services, Set<String> databases) {
        Service service(String type) {
            return services.stream().filter(s -> s.type().equals(type)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " service"));
        }

        static Blueprint parse(String yaml) {
            JsonNode root;
            try {
                root = new YAMLMapper().readTree(yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Service> services = new ArrayList<>();
            for (JsonNode s : root.path("services")) {
                Map<String, String> values = new LinkedHashMap<>();
                Map<String, String> fromDatabase = new LinkedHashMap<>();
                Set<String> prompted = new LinkedHashSet<>();
                Set<String> generated = new LinkedHashSet<>();
                for (JsonNode v : s.path("envVars")) {
                    String key = v.path("key").asText();
                    if (v.has("value")) {
                        values.put(key, v.get("value").asText());
                    } else if (v.has("fromDatabase")) {
                        fromDatabase.put(key, v.get("fromDatabase").path("name").asText() + "."
                                + v.get("fromDatabase").path("property").asText());
                    } else if (v.path("sync").isBoolean() && !v.get("sync").asBoolean()) {
                        prompted.add(key);
                    } else if (v.path("generateValue").asBoolean()) {
                        generated.add(key);
                    } else {
                        throw new IllegalStateException("variable " + key + " has no value, source or prompt");
                    }
                }
                String command = s.path("dockerCommand").asText("");
                services.add(new Service(s.path("type").asText(), s.path("name").asText(), s.path("plan").asText(),
                        s.path("runtime").asText(), s.path("dockerfilePath").asText(),
                        command.isBlank() ? List.of() : Arrays.asList(command.strip().split("\\s+")),
                        s.path("healthCheckPath").asText(null), s.path("schedule").asText(null),
                        values, fromDatabase, prompted, generated));
            }
            Set<String> databases = new LinkedHashSet<>();
            root.path("databases").forEach(d -> databases.add(d.path("name").asText()));
            return new Blueprint(services, databases);
        }
    }

    static Blueprint renderYaml() {
        return Blueprint.parse(Repo.read("render.yaml"));
    }

    /** The free-tier variant: the yaml block of docs/deploy-render.md. */
    static Blueprint freeTier() {
        List<Markdown.Block> yaml = Markdown.read(Repo.root().resolve("docs/deploy-render.md")).blocks().stream()
                .filter(b -> b.lang().equals("yaml")).toList();
        if (yaml.size() != 1) {
            throw new AssertionError("docs/deploy-render.md should show one yaml block, the free tier; found "
                    + yaml.size());
        }
        return Blueprint.parse(yaml.get(0).text());
    }
}

package dev.reporag.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One-shot commands through {@code ./rag}, as a user runs them, with its class-data archive and
 * without it ({@code RAG_CDS=off}), alternating, each in a fresh process: wall time and the CPU
 * (user + system) of the process, from bash's {@code time}.
 *
 * <pre>
 * java -cp rag-bench/target/classes dev.reporag.bench.StartupBench &lt;work dir&gt; [rounds] [git dir to estimate]
 * </pre>
 *
 * The archive is made (or found) by a first {@code ./rag status}; the store is a fresh
 * {@code RAG_HOME} under the work directory, with a two-file repository indexed in it for
 * {@code ask}.
 */
public final class StartupBench {
    private StartupBench() {
    }

    private record Timing(double wall, double cpu) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("rag"))) {
            root = root.getParent();
        }
        ReuseBench.deleteTree(work);
        Path repo = Files.createDirectories(work.resolve("repo/src"));
        Files.writeString(repo.resolve("Greeter.java"), "/** Greets people. */\npublic class Greeter {\n"
                + "    public String greet(String name) {\n        return \"Hello, \" + name;\n    }\n}\n");
        ReuseBench.git(work.resolve("repo"), "init", "-q");
        ReuseBench.git(work.resolve("repo"), "add", "-A");
        ReuseBench.git(work.resolve("repo"), "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "x");
        String estimated = args.length > 2 ? args[2] : work.resolve("repo").toString();

        run(root, work, "on", "status"); // makes the archive if this build has none
        run(root, work, "on", "ask", "--repo", work.resolve("repo").toString(), "what does greet return?");
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("status --json", List.of("status", "--json"));
        commands.put("ask (project indexed) --json", List.of("ask", "--repo", work.resolve("repo").toString(),
                "what does greet return?", "--json"));
        commands.put("estimate " + Path.of(estimated).getFileName(), List.of("estimate", estimated, "--json"));

        System.out.printf(Locale.ROOT, "machine: %d cores; load average before: %s%n",
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf(Locale.ROOT, "archive: %s (%,d bytes)%n", root.resolve("rag-cli/target/rag.jsa"),
                Files.size(root.resolve("rag-cli/target/rag.jsa")));
        System.out.println("| command | archive | rounds | wall, median (min–max) | CPU, median |");
        System.out.println("|---|---|---|---|---|");
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
            Map<String, List<Timing>> by = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (String cds : round % 2 == 0 ? List.of("on", "off") : List.of("off", "on")) {
                    by.computeIfAbsent(cds, k -> new ArrayList<>())
                            .add(run(root, work, cds, command.getValue().toArray(String[]::new)));
                }
            }
            for (String cds : List.of("on", "off")) {
                double[] wall = by.get(cds).stream().mapToDouble(Timing::wall).sorted().toArray();
                double[] cpu = by.get(cds).stream().mapToDouble(Timing::cpu).sorted().toArray();
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f s (%.2f–%.2f) | %.2f s |%n", command.getKey(),
                        cds.equals("on") ? "used" : "RAG_CDS=off", rounds, wall[wall.length / 2], wall[0],
                        wall[wall.length - 1], cpu[cpu.length / 2]);
            }
        }
    }

    private static Timing run(Path root, Path work, String cds, String... args)
            throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("TIMEFORMAT='%R %U %S'; time bash ./rag");
        for (String arg : args) {
            line.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        line.append(" >/dev/null 2>").append(work.resolve("rag.err"));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", line.toString()).directory(root.toFile());
        builder.environment().put("RAG_HOME", work.resolve("home").toString());
        builder.environment().put("RAG_CDS", cds);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().remove("GROQ_API_KEY");
        builder.environment().remove("DATABASE_URL");
        Process process = builder.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("./rag " + String.join(" ", args) + " failed: " + out + " "
                    + Files.readString(work.resolve("rag.err")));
        }
        String[] times = out.lines().reduce((a, b) -> b).orElseThrow().trim().split("\\s+");
        double[] t = Arrays.stream(times).mapToDouble(Double::parseDouble).toArray();
        return new Timing(t[0], t[1] + t[2]);
    }
}

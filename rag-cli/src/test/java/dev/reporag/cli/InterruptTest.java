package dev.reporag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C (a real SIGINT to a real JVM) stops an ingestion cleanly, and the next run resumes it. */
class InterruptTest {
    private static final Pattern PERCENT = Pattern.compile(": (\\d+)% \\(");

    @TempDir
    Path tmp;

    @Test
    void ctrlCStopsCleanlyAndTheNextRunResumes() throws Exception {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            files.put("src/F" + i + ".java", "class F" + i + " {\n  int value() { return " + i + "; }\n}\n");
        }
        Path repo = TestRepos.create(tmp.resolve("big"), files);
        Map<String, String> env = new HashMap<>();
        env.put("RAG_HOME", tmp.resolve("home").toString());
        env.put("RAG_EMBEDDER", "hashing");

        List<String> command = new ArrayList<>();
        if (sigintIgnored()) {
            // A shell starts background jobs with SIGINT ignored and children inherit that, so the
            // JVM would never see the Ctrl-C: give the child the default disposition back.
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.reporag.cli.Main",
                "ingest", repo.toString(), "--batch-size", "2", "--delay", "0.1"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectOutput(tmp.resolve("out.txt").toFile());
        Process process = builder.start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                Matcher m = PERCENT.matcher(line);
                if (m.find() && Integer.parseInt(m.group(1)) >= 10) {
                    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
                    break;
                }
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).isEqualTo(130);
        assertThat(java.nio.file.Files.readString(tmp.resolve("out.txt"))).contains("big stopped at")
                .contains("run the same command again to resume");

        JsonNode stopped = new ObjectMapper().readTree(CliRun.run(env, "", "status", "--json").out()).get(0);
        assertThat(stopped.get("status").asText()).isEqualTo("PENDING");
        int storedBefore = stopped.get("progress").asInt();
        assertThat(storedBefore).isBetween(10, 99);

        CliRun resumed = CliRun.run(env, "", "ingest", repo.toString());

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        Matcher counts = Pattern.compile("(\\d+) chunks \\((\\d+) embedded now\\)").matcher(resumed.out());
        assertThat(counts.find()).isTrue();
        int total = Integer.parseInt(counts.group(1));
        int embeddedNow = Integer.parseInt(counts.group(2));
        assertThat(total).isEqualTo(60);
        assertThat(embeddedNow).isLessThan(60).isGreaterThan(0);
    }

    /** Whether this process ignores SIGINT (signal 2: bit 1 of the SigIgn mask), as it then passes on. */
    private static boolean sigintIgnored() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!java.nio.file.Files.exists(status)) {
            return false;
        }
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0;
            }
        }
        return false;
    }
}

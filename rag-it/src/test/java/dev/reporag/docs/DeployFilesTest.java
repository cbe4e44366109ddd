package dev.reporag.docs;

import dev.reporag.cli.CliHarness;
import dev.reporag.docs.Deployment.Blueprint;
import dev.reporag.docs.Deployment.Dockerfile;
import dev.reporag.docs.Deployment.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked here of the Dockerfile and the Render blueprints without Docker or Render:
 * the build command and jar path are the Maven build's, the commands they start parse and run
 * with the real CLI, the JVM flags are accepted by this Java, and every variable is known.
 */
class DeployFilesTest {
    private final Dockerfile docker = Dockerfile.read();

    @Test
    void theImageIsBuiltInAMavenStageAndRunsOnAJreAsANonRootUser() {
        assertThat(docker.from()).hasSize(2);
        assertThat(docker.from().get(0)).isEqualTo("maven:3-eclipse-temurin-17 AS build");
        assertThat(docker.from().get(1)).isEqualTo("eclipse-temurin:17-jre");
        assertThat(docker.user()).as("USER").isNotBlank().isNotIn("root", "0");
        assertThat(Repo.read(".dockerignore")).contains(".git", "**/target");
    }

    @Test
    void theBuildCommandAndJarPathAreTheOnesOfTheMavenBuildAndOfTheLauncher() {
        List<String> build = docker.buildCommands().stream().filter(c -> c.startsWith("mvn ")).map(this::words)
                .findFirst().orElseThrow(() -> new AssertionError("no RUN mvn in the Dockerfile"));
        Matcher launcher = Pattern.compile("\\(cd \"\\$root\" && (mvn [^)]*)\\)").matcher(Repo.read("rag"));
        assertThat(launcher.find()).as("./rag builds with mvn").isTrue();
        List<String> fromLauncher = new ArrayList<>(words(launcher.group(1)));
        fromLauncher.remove("-q"); // quiet on a terminal; the image build shows Maven's log
        assertThat(build).as("the Dockerfile builds as ./rag does").containsExactlyInAnyOrderElementsOf(fromLauncher);
        assertThat(build).contains("-DskipTests", "-pl", "rag-cli", "-am", "package");

        // The shaded jar of rag-cli is named rag.jar, in rag-cli/target, and the image copies that.
        assertThat(Repo.read("rag-cli/pom.xml")).contains("<finalName>rag</finalName>");
        assertThat(Repo.read("rag")).contains("jar=\"$root/rag-cli/target/rag.jar\"");
        assertThat(Path.of(docker.workdir()).resolve("rag-cli/target/rag.jar").toString())
                .isEqualTo(docker.copyFrom());
        List<String> entry = docker.entrypoint();
        assertThat(entry.get(0)).isEqualTo("java");
        assertThat(entry.subList(entry.size() - 2, entry.size())).containsExactly("-jar", docker.copyTo());
        assertThat(docker.jvmFlags()).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="))
                .contains("-XX:+ExitOnOutOfMemoryError");
        // ./rag too: an OutOfMemoryError ends the process instead of leaving it wedged.
        assertThat(Repo.read("rag"))
                .contains("exec java -XX:+ExitOnOutOfMemoryError -Xlog:disable -Xlog:all=warning:stderr $jit");
    }

    @Test
    void theLauncherRunsOneShotCommandsWithTheClientCompilerAndTheServerWithTheFullJit(@TempDir Path dir)
            throws IOException, InterruptedException {
        // The launcher in a root of its own with a built jar and a `java` that prints its arguments.
        Path launcher = dir.resolve("rag");
        Files.writeString(launcher, Repo.read("rag"));
        Path jar = dir.resolve("rag-cli/target/rag.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "not a jar: never run here");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));

        String logs = "-XX:+ExitOnOutOfMemoryError -Xlog:disable -Xlog:all=warning:stderr";
        assertThat(launch(launcher, bin, "", "ingest", "https://example.com/a.git"))
                .isEqualTo(logs + " -XX:TieredStopAtLevel=1 -jar " + jar + " ingest https://example.com/a.git");
        assertThat(launch(launcher, bin, "", "--home", "/data", "serve"))
                .isEqualTo(logs + " -jar " + jar + " --home /data serve");
        assertThat(launch(launcher, bin, "", "worker")).doesNotContain("TieredStopAtLevel");
        assertThat(launch(launcher, bin, "-XX:TieredStopAtLevel=4", "ask", "--project", "shop", "why?"))
                .as("JAVA_OPTS comes after, so it wins")
                .startsWith(logs + " -XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=4 -jar");

        // A class-data archive newer than the jar is used (LauncherClassDataTest makes real ones).
        Path archive = dir.resolve("rag-cli/target/rag.jsa");
        Files.writeString(archive, "an archive");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
        assertThat(launch(launcher, bin, Map.of("JAVA_OPTS", "", "RAG_CDS", "on"), "status"))
                .isEqualTo(logs + " -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=" + archive + " -jar " + jar
                        + " status");
    }

    private static String launch(Path launcher, Path bin, String javaOpts, String... args)
            throws IOException, InterruptedException {
        // The class-data archive is off: its training run would need a real java.
        return launch(launcher, bin, Map.of("JAVA_OPTS", javaOpts, "RAG_CDS", "off"), args);
    }

    private static String launch(Path launcher, Path bin, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theEntrypointAndItsDefaultCommandRun() {
        assertThat(docker.cmd()).containsExactly("serve");
        CliHarness.Result help = run(docker.cmd(), "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("Usage: rag serve", "--port", "--workers");
    }

    @Test
    void theImagesJvmFlagsAreAcceptedByJava17() throws Exception {
        String flags = javaFlagsFinal(docker.jvmFlags(), null);
        assertThat(flags).containsPattern("MaxRAMPercentage\\s+= 60")
                .containsPattern("ExitOnOutOfMemoryError\\s+= true");
    }

    @Test
    void theFreeTierMemoryFlagsOverrideTheImagesHeapShare() throws Exception {
        Service web = Deployment.freeTier().service("web");
        String options = web.values().get("JAVA_TOOL_OPTIONS");
        assertThat(options).contains("-Xmx300m", "-XX:MaxMetaspaceSize=", "-XX:+UseSerialGC");
        String flags = javaFlagsFinal(docker.jvmFlags(), options);
        assertThat(flags).containsPattern("MaxHeapSize\\s+= " + 300L * 1024 * 1024 + "\\b")
                .containsPattern("UseSerialGC\\s+= true")
                .containsPattern("MaxMetaspaceSize\\s+= " + 128L * 1024 * 1024 + "\\b");
    }

    @Test
    void theBlueprintHasAWebServiceAWorkerACronJobAndTheDatabase() {
        Blueprint blueprint = Deployment.renderYaml();
        assertThat(blueprint.services()).extracting(Service::type)
                .containsExactlyInAnyOrder("web", "worker", "cron", "cron");
        assertThat(blueprint.service("web").command()).containsExactly("serve", "--workers", "0");
        assertThat(blueprint.service("web").healthCheckPath()).isEqualTo("/health");
        assertThat(Repo.read("rag-http/src/main/java/dev/reporag/http/RagHttpServer.java"))
                .contains("r.get(\"/health\"");
        assertThat(blueprint.service("worker").command()).startsWith("worker");
        assertThat(blueprint.service("cron").command()).containsExactly("process", "--all-pending");
        assertThat(blueprint.service("cron").schedule()).matches("\\S+ \\S+ \\S+ \\S+ \\S+");
        Service sync = blueprint.services().stream().filter(s -> s.name().equals("repo-rag-sync")).findFirst()
                .orElseThrow();
        assertThat(sync.type()).isEqualTo("cron");
        assertThat(sync.command()).containsExactly("sync");
        assertThat(sync.schedule()).matches("\\S+ \\S+ \\S+ \\S+ \\S+");
        assertThat(blueprint.databases()).hasSize(1);
    }

    @Test
    void everyServiceOfBothBlueprintsRunsTheImageWithACommandTheCliAccepts() {
        List<Service> services = new ArrayList<>(Deployment.renderYaml().services());
        services.addAll(Deployment.freeTier().services());
        assertThat(Deployment.freeTier().services()).singleElement().satisfies(s -> {
            assertThat(s.plan()).isEqualTo("free");
            assertThat(s.command()).containsExactly("serve", "--workers", "1");
        });
        for (Service s : services) {
            assertThat(s.runtime()).as(s.name()).isEqualTo("docker");
            assertThat(s.dockerfilePath()).as(s.name()).isEqualTo("./Dockerfile");
            List<String> args = s.command().isEmpty() ? docker.cmd() : s.command();
            ParseResult parsed = CliHarness.model().parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).as(s.name() + ": " + args).isTrue();
            CliHarness.Result help = run(args, "--help");
            assertThat(help.exitCode()).as(s.name() + ": " + help).isZero();
        }
    }

    @Test
    void everyVariableOfBothBlueprintsIsKnownAndComesFromWhereItShould() {
        Blueprint full = Deployment.renderYaml();
        Blueprint free = Deployment.freeTier();
        List<Service> services = new ArrayList<>(full.services());
        services.addAll(free.services());
        for (Service s : services) {
            assertThat(Repo.knownVariables()).as(s.name() + "'s variables").containsAll(s.variables());
            assertThat(s.fromDatabase()).as(s.name()).containsOnlyKeys("DATABASE_URL");
            assertThat(s.fromDatabase().get("DATABASE_URL")).endsWith(".connectionString");
            String database = s.fromDatabase().get("DATABASE_URL").replace(".connectionString", "");
            assertThat(full.databases().contains(database) || free.databases().contains(database)).isTrue();
            assertThat(s.prompted()).as("secrets are asked for, never written down").contains("OPENAI_API_KEY");
            assertThat(s.values()).doesNotContainKeys("OPENAI_API_KEY", "GROQ_API_KEY", "RAG_ADMIN_TOKEN",
                    "DATABASE_URL", "GITHUB_TOKEN");
            assertThat(s.values().get("RAG_EMBEDDER")).as("one embedding model for every process").isEqualTo("openai");
        }
        for (Service web : List.of(full.service("web"), free.service("web"))) {
            assertThat(web.generated()).contains("RAG_ADMIN_TOKEN");
            assertThat(web.values()).containsEntry("RAG_TRUST_PROXY", "true");
        }
    }

    @Test
    void theBlueprintsEnvironmentIsAValidConfiguration() {
        // As Render would start the worker, with the prompted key filled in: no configuration error.
        Service worker = Deployment.renderYaml().service("worker");
        Map<String, String> env = new java.util.HashMap<>(worker.values());
        env.put("OPENAI_API_KEY", "sk-test");
        env.put("DATABASE_URL", "postgres://rag:secret@db.invalid:5432/rag");
        CliHarness.Result help = CliHarness.run(env, "", "worker", "--help");
        assertThat(help.exitCode()).isZero();
        // Without the key, the service stops with a line that says what to do.
        env.remove("OPENAI_API_KEY");
        CliHarness.Result missing = CliHarness.run(env, "", "status");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(3);
        assertThat(missing.err()).contains("RAG_EMBEDDER=openai needs OPENAI_API_KEY");
    }

    private static CliHarness.Result run(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(Arrays.asList(more));
        return CliHarness.run(Map.of(), "", all.toArray(String[]::new));
    }

    private List<String> words(String command) {
        return Arrays.asList(command.strip().split("\\s+"));
    }

    /** Runs this machine's java with the flags (and JAVA_TOOL_OPTIONS), printing its final flag values. */
    private static String javaFlagsFinal(List<String> flags, String toolOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        if (toolOptions != null) {
            builder.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }
}

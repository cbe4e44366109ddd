package dev.reporag.docs;

import dev.reporag.core.RepoRag;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.http.RagHttpServer;
import dev.reporag.local.LocalStore;
import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.pgvector.PgDatabase;
import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * repo-rag as a library, used the way an application uses it: a separate Maven project, built by
 * Maven, depending on the artifacts installed into a local repository of its own (a temporary one:
 * never the user's), which is seeded read-only from this build's local repository, so nothing is
 * downloaded when that holds what the build used (it runs offline; otherwise Maven Central fills
 * the gaps).
 *
 * <p>The README's two Java examples run in it verbatim, with their imports: the in-memory one as
 * shown, the production one against a real PostgreSQL and a local OpenAI-compatible server, after
 * which a harness checks that the worker it started processes a job and that what it built embeds,
 * stores, indexes a Git repository and answers. Four modules of the project compare how it resolves
 * repo-rag's artifacts: importing {@code rag-bom} and nothing else, and importing nothing, with the
 * README's adapters and with every library module; each pair must resolve the same versions, the
 * ones this build uses.
 */
class ConsumerProjectTest {
    /** The library modules, each found on this test's class path by one of its classes. */
    private static final Map<String, Class<?>> LIBRARIES = libraries();
    private static final List<String> README_ADAPTERS = List.of("rag-core", "rag-adapters-git", "rag-adapters-openai",
            "rag-adapters-pgvector");

    @TempDir
    Path tmp;

    private static Map<String, Class<?>> libraries() {
        Map<String, Class<?>> modules = new LinkedHashMap<>();
        modules.put("rag-core", RepoRag.class);
        modules.put("rag-adapters-git", JGitRepositorySource.class);
        modules.put("rag-adapters-openai", OpenAiEmbedder.class);
        modules.put("rag-adapters-pgvector", PgDatabase.class);
        modules.put("rag-adapters-local", LocalStore.class);
        modules.put("rag-http", RagHttpServer.class);
        return modules;
    }

    @Test
    void theReadmeExamplesRunInAnotherProjectAndEveryWayOfDependingResolvesTheBuildsVersions() throws Exception {
        List<Markdown.Block> examples = Markdown.read(Repo.root().resolve("README.md")).blocks().stream()
                .filter(b -> b.lang().equals("java")).toList();
        assertThat(examples).as("README.md shows the in-memory and the production example").hasSize(2);
        String version = projectVersion();
        Path repository = tmp.resolve("repository");
        install(repository, version);
        Path project = tmp.resolve("consumer");
        writeProject(project, version, examples);

        Path log = tmp.resolve("maven.log");
        int exit;
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start();
             TestSchema example = new TestSchema("readme");
             TestSchema harness = new TestSchema("readme_harness")) {
            Map<String, String> env = new TreeMap<>();
            env.put("OPENAI_API_KEY", FakeOpenAiServer.KEY);
            env.put("OPENAI_BASE_URL", openAi.baseUrl());
            env.put("DATABASE_URL", example.databaseUrl());
            env.put("HARNESS_DATABASE_URL", harness.databaseUrl());
            exit = maven(project, settings(repository), log, env, "test");
        }

        String output = Files.readString(log);
        assertThat(exit).as("the consumer project's build:\n" + tail(output)).isZero();
        assertThat(testsRun(project.resolve("readme"), "ReadmeInMemoryTest")).isEqualTo(1);
        assertThat(testsRun(project.resolve("readme"), "ReadmeProductionTest")).isEqualTo(1);

        Map<String, String> readme = classpath(project.resolve("readme"), repository);
        Map<String, String> readmePlain = classpath(project.resolve("readme-plain"), repository);
        Map<String, String> everything = classpath(project.resolve("everything"), repository);
        Map<String, String> everythingPlain = classpath(project.resolve("everything-plain"), repository);
        assertThat(readme).containsKeys("com.fasterxml.jackson.core:jackson-core", "dev.langchain4j:langchain4j-open-ai",
                "org.eclipse.jgit:org.eclipse.jgit", "org.flywaydb:flyway-core");
        assertThat(readmePlain).as("the README's adapters, without the BOM").isEqualTo(readme);
        assertThat(everythingPlain).as("every library module, without the BOM").isEqualTo(everything);
        String jackson = property("jackson.version");
        for (Map<String, String> resolved : List.of(readme, everything)) {
            assertThat(resolved).as("Jackson at the build's version")
                    .containsEntry("com.fasterxml.jackson.core:jackson-core", jackson)
                    .containsEntry("com.fasterxml.jackson.core:jackson-databind", jackson)
                    .containsEntry("com.fasterxml.jackson.core:jackson-annotations", jackson.replaceAll("\\.\\d+$", ""));
        }
        assertThat(everything).containsEntry("org.eclipse.jgit:org.eclipse.jgit", property("jgit.version"))
                .containsEntry("io.javalin:javalin", property("javalin.version"))
                .containsEntry("org.apache.lucene:lucene-core", property("lucene.version"));
    }

    @Test
    void mavenPrintsNoStrayEscapeCodesInThisRepository() throws Exception {
        Path log = tmp.resolve("validate.log");
        // As ./rag builds (batch mode, quiet), here for the BOM alone: the reactor is read, nothing built.
        int exit = maven(Repo.root(), settings(tmp.resolve("repository")), log, Map.of(), "-q", "-pl", "rag-bom",
                "validate");

        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        assertThat(output).as(".mvn/jvm.config keeps jansi from printing ESC[0m").doesNotContain("\u001b");
    }

    // --- installing repo-rag into the private repository ---------------------------------------

    /** What `mvn install` puts in a local repository: the parent and BOM poms, each library's pom and jar. */
    private static void install(Path repository, String version) throws IOException {
        put(repository, "repo-rag-parent", version, Repo.root().resolve("pom.xml"), null);
        put(repository, "rag-bom", version, Repo.root().resolve("rag-bom/pom.xml"), null);
        for (Map.Entry<String, Class<?>> module : LIBRARIES.entrySet()) {
            Path built = location(module.getValue());
            put(repository, module.getKey(), version, Repo.root().resolve(module.getKey()).resolve("pom.xml"), built);
        }
    }

    /** The jar or classes directory this test runs a module from: the same build of it. */
    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Path repository, String artifact, String version, Path pom, Path built) throws IOException {
        Path dir = repository.resolve("dev/reporag").resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
        if (built == null) {
            return;
        }
        Path jar = dir.resolve(artifact + "-" + version + ".jar");
        if (Files.isRegularFile(built)) {
            Files.copy(built, jar);
        } else {
            zip(built, jar);
        }
    }

    private static void zip(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }

    // --- the consumer project --------------------------------------------------------------------

    private static void writeProject(Path project, String version, List<Markdown.Block> examples) throws IOException {
        write(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules>
                    <module>readme</module>
                    <module>readme-plain</module>
                    <module>everything</module>
                    <module>everything-plain</module>
                  </modules>
                </project>
                """);
        List<String> everything = new ArrayList<>(LIBRARIES.keySet());
        module(project.resolve("readme"), version, true, README_ADAPTERS);
        module(project.resolve("readme-plain"), version, false, README_ADAPTERS);
        module(project.resolve("everything"), version, true, everything);
        module(project.resolve("everything-plain"), version, false, everything);
        Path tests = project.resolve("readme/src/test/java/example");
        write(tests.resolve("ReadmeInMemoryTest.java"), exampleClass("ReadmeInMemoryTest", examples.get(0), ""));
        write(tests.resolve("ReadmeProductionTest.java"), exampleClass("ReadmeProductionTest", examples.get(1),
                "        Harness.check(rag, embedder, db);\n"));
        write(tests.resolve("Harness.java"), HARNESS);
    }

    /** One module: the README's dependency block, with the BOM or with versions, and the test tools. */
    private static void module(Path dir, String version, boolean bom, List<String> artifacts) throws IOException {
        StringBuilder dependencies = new StringBuilder();
        for (String artifact : artifacts) {
            dependencies.append("    <dependency><groupId>dev.reporag</groupId><artifactId>").append(artifact)
                    .append("</artifactId>").append(bom ? "" : "<version>" + version + "</version>")
                    .append("</dependency>\n");
        }
        String imported = !bom ? "" : """
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>dev.reporag</groupId>
                        <artifactId>rag-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                """.formatted(version);
        write(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>%s</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                %s  <dependencies>
                %s    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>%s</version><scope>test</scope></dependency>
                    <dependency><groupId>org.junit.platform</groupId><artifactId>junit-platform-launcher</artifactId><version>%s</version><scope>test</scope></dependency>
                    <dependency><groupId>org.assertj</groupId><artifactId>assertj-core</artifactId><version>%s</version><scope>test</scope></dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>%s</version></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>%s</version>
                        <configuration><trimStackTrace>false</trimStackTrace></configuration></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dir.getFileName(), imported, dependencies, property("junit.version"),
                property("junit.version"), property("assertj.version"), plugin("maven-resources-plugin"),
                plugin("maven-compiler-plugin"), plugin("maven-surefire-plugin")));
        write(dir.resolve("src/test/java/example/ClasspathTest.java"), CLASSPATH_TEST);
    }

    /** A README block as a test class: its import lines on top, the rest as the test's body. */
    private static String exampleClass(String name, Markdown.Block block, String after) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.text().split("\n")) {
            if (line.startsWith("import ")) {
                imports.append(line).append('\n');
            } else if (!line.isBlank()) {
                body.append("        ").append(line).append('\n');
            }
        }
        return "package example;\n\n" + imports + "\n@SuppressWarnings(\"unused\")\nclass " + name + " {\n"
                + "    @org.junit.jupiter.api.Test\n    void theReadmeExample() throws Exception {\n" + body + after
                + "    }\n}\n";
    }

    /** Writes the test class path, which the outer test compares between modules. */
    private static final String CLASSPATH_TEST = """
            package example;

            import java.nio.file.Files;
            import java.nio.file.Path;

            class ClasspathTest {
                @org.junit.jupiter.api.Test
                void writeTheClassPath() throws Exception {
                    String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
                    Files.writeString(Path.of("target", "classpath.txt"), path);
                }
            }
            """;

    /**
     * After the production example: its worker processes a job (one whose repository cannot be reached:
     * it must fail saying so, not with a broken class path), and what it built embeds through the
     * OpenAI-compatible server, and, with a second database, indexes a Git repository and answers.
     */
    private static final String HARNESS = """
            package example;

            import dev.reporag.core.RepoRag;
            import dev.reporag.core.model.Answer;
            import dev.reporag.core.model.IngestionJob;
            import dev.reporag.core.model.JobStatus;
            import dev.reporag.core.model.Project;
            import dev.reporag.core.model.ProjectStatus;
            import dev.reporag.core.port.Embedder;
            import dev.reporag.git.GitSourceSettings;
            import dev.reporag.git.JGitRepositorySource;
            import dev.reporag.openai.OpenAiAnswerModel;
            import dev.reporag.openai.OpenAiChatSettings;
            import dev.reporag.pgvector.PgDatabase;
            import org.eclipse.jgit.api.Git;

            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;

            import static org.assertj.core.api.Assertions.assertThat;

            final class Harness {
                static void check(RepoRag rag, Embedder embedder, PgDatabase db) throws Exception {
                    Project unreachable = rag.register("unreachable", "https://repo-rag.invalid/acme/shop.git", null);
                    rag.requestIngestion(unreachable.id());
                    ProjectStatus failed = rag.status(unreachable.id());
                    for (int i = 0; i < 600 && failed.status() != JobStatus.FAILED; i++) {
                        Thread.sleep(100);
                        failed = rag.status(unreachable.id());
                    }
                    assertThat(failed.status()).as("the example's worker took the job").isEqualTo(JobStatus.FAILED);
                    assertThat(failed.error()).get().asString().contains("repo-rag.invalid")
                            .doesNotContain("unexpected error");

                    assertThat(embedder.embedAll(List.of("class Cart {}")).get(0)).hasSize(embedder.dimension());

                    Path repository = Files.createTempDirectory("shop");
                    Files.createDirectories(repository.resolve("src"));
                    Files.writeString(repository.resolve("src/Cart.java"),
                            "class Cart {\\n    Money total() {\\n        return items.sum();\\n    }\\n}\\n");
                    try (Git git = Git.init().setDirectory(repository.toFile()).call()) {
                        git.add().addFilepattern(".").call();
                        git.commit().setMessage("cart").setAuthor("t", "t@example.com")
                                .setCommitter("t", "t@example.com").setSign(false).call();
                    }
                    String key = System.getenv("OPENAI_API_KEY");
                    String baseUrl = System.getenv("OPENAI_BASE_URL");
                    try (PgDatabase second = PgDatabase.connect(System.getenv("HARNESS_DATABASE_URL"), embedder.modelId(),
                            embedder.dimension());
                         RepoRag local = RepoRag.builder()
                                 .source(new JGitRepositorySource(GitSourceSettings.defaults(repository.resolveSibling(
                                         repository.getFileName() + "-cache")).withAllowLocalSources(true)))
                                 .embedder(embedder)
                                 .vectorStore(second.vectorStore())
                                 .jobs(second.jobs())
                                 .conversations(second.conversations())
                                 .answerModel(new OpenAiAnswerModel(OpenAiChatSettings.openAi(key).withBaseUrl(baseUrl)))
                                 .build()) {
                        Project shop = local.register("shop", repository.toString(), null);
                        local.requestIngestion(shop.id());
                        IngestionJob job = local.processNext("harness").orElseThrow();
                        assertThat(job.status()).as(String.valueOf(job.error())).isEqualTo(JobStatus.READY);
                        Answer answer = local.ask(shop.id(), "how is the cart total computed?", null);
                        assertThat(answer.extractive()).isFalse();
                        assertThat(answer.citations()).isNotEmpty();
                    }
                }
            }
            """;

    // --- running Maven ----------------------------------------------------------------------------

    /**
     * Settings for the child build: its own local repository, and this build's local repository as a
     * read-only repository in front of Maven Central (releases only: repo-rag's snapshots come from
     * the private repository alone).
     */
    private static Path settings(Path repository) throws IOException {
        String seed = seedRepository().toUri().toString();
        String repo = """
                <id>seed</id><url>%s</url>
                <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
                """.formatted(seed);
        Path settings = repository.resolveSibling("settings.xml");
        write(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles><profile><id>seed</id>
                    <repositories><repository>%s</repository></repositories>
                    <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
                </settings>
                """.formatted(repository, repo, repo));
        return settings;
    }

    private static Path seedRepository() {
        String configured = System.getProperty("reporag.local.repository");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static int maven(Path dir, Path settings, Path log, Map<String, String> env, String... goals)
            throws IOException, InterruptedException {
        String home = System.getProperty("reporag.maven.home");
        List<String> command = new ArrayList<>();
        command.add(home != null && !home.isBlank() ? Path.of(home, "bin", "mvn").toString() : "mvn");
        command.addAll(List.of("-B", "-s", settings.toString()));
        command.addAll(List.of(goals));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("MAVEN_OPTS"); // a local repository given there would win over the settings
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().putAll(env);
        builder.environment().put("XDG_CONFIG_HOME", log.resolveSibling("xdg").toString());
        Process process = builder.start();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Maven did not finish within 8 minutes:\n" + tail(Files.readString(log)));
        }
        return process.exitValue();
    }

    private static int testsRun(Path module, String testClass) throws IOException {
        Path report = module.resolve("target/surefire-reports/TEST-example." + testClass + ".xml");
        String xml = Files.readString(report);
        Matcher counts = Pattern.compile("tests=\"(\\d+)\"[^>]*?errors=\"(\\d+)\"[^>]*?skipped=\"(\\d+)\"[^>]*?"
                + "failures=\"(\\d+)\"").matcher(xml);
        assertThat(counts.find()).as(report.toString()).isTrue();
        assertThat(counts.group(2) + counts.group(3) + counts.group(4)).as(testClass + ": errors, skipped, failures")
                .isEqualTo("000");
        return Integer.parseInt(counts.group(1));
    }

    /** group:artifact to version, of every jar the module's tests ran with from the private repository. */
    private static Map<String, String> classpath(Path module, Path repository) throws IOException {
        Map<String, String> versions = new TreeMap<>();
        for (String entry : Files.readString(module.resolve("target/classpath.txt")).split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath().normalize();
            if (!jar.startsWith(repository) || jar.getNameCount() - repository.getNameCount() < 4) {
                continue;
            }
            Path relative = repository.relativize(jar);
            int n = relative.getNameCount();
            String group = relative.subpath(0, n - 3).toString().replace(java.io.File.separatorChar, '.');
            versions.put(group + ":" + relative.getName(n - 3), relative.getName(n - 2).toString());
        }
        assertThat(versions).as(module + " ran with jars of the private repository").isNotEmpty();
        return versions;
    }

    // --- reading the build -------------------------------------------------------------------------

    private static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>repo-rag-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Repo.read("pom.xml"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** A version property of the root pom or of rag-bom. */
    private static String property(String name) {
        Pattern pattern = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</");
        for (String pom : List.of("pom.xml", "rag-bom/pom.xml")) {
            Matcher m = pattern.matcher(Repo.read(pom));
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalStateException("no property " + name + " in the poms");
    }

    /** The version of a plugin in the root pom's pluginManagement: the child uses what this build used. */
    private static String plugin(String artifact) {
        Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(artifact) + "</artifactId><version>([^<]+)</version>")
                .matcher(Repo.read("pom.xml"));
        assertThat(m.find()).as(artifact + " in the root pom's pluginManagement").isTrue();
        return m.group(1);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String tail(String output) {
        return output.length() <= 12_000 ? output : "..." + output.substring(output.length() - 12_000);
    }
}

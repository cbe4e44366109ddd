package dev.reporag.docs;

import dev.reporag.cli.CliHarness;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs check: every command shown in README.md and docs/ is parsed against the real CLI, the
 * ones that can run here are run, and the variables, scripts and links the docs name exist. A
 * block that cannot run here (Docker, Render, curl against a deployed host) is fenced as
 * {@code text}, or marked on the line before its fence with
 * {@code <!-- not run here: the reason -->}.
 */
class DocsCheckTest {
    /** Fences whose lines are commands to check. */
    private static final Set<String> SHELL = Set.of("bash", "sh", "shell", "console");
    /** Commands run end to end when their documented form needs no network or secret. */
    private static final Set<String> EXECUTED = Set.of("ingest", "add", "status", "ask", "process", "migrate");
    /** Variables whose documented values point at services this machine cannot reach. */
    private static final Set<String> NEEDS_NETWORK = Set.of("OPENAI_API_KEY", "GROQ_API_KEY", "OPENAI_BASE_URL",
            "DATABASE_URL", "GITHUB_TOKEN", "RAG_EMBEDDER", "RAG_HOME");
    private static final Pattern VARIABLE_SPAN = Pattern.compile(
            "(?:RAG|OPENAI|GROQ|GITHUB|DATABASE|JAVA|DJL|XDG)_[A-Z0-9_]+|PORT");
    private static final Pattern RAG_VARIABLE = Pattern.compile("\\bRAG_[A-Z0-9_]*[A-Z0-9]\\b");

    /** One documented command, with the environment its block set up before it. */
    private record Documented(Markdown.Block block, Shell.Command command, Map<String, String> env) {
        String where() {
            return block.file().getFileName() + ":" + command.line();
        }
    }

    private final List<Markdown> docs = Repo.markdownFiles().stream().map(Markdown::read).toList();
    private final Set<String> known = Repo.knownVariables();

    @Test
    void everyCommandInAShellBlockIsOneThisRepositoryHasAndParses() {
        List<String> problems = new ArrayList<>();
        List<Documented> rag = ragCommands(problems);
        assertThat(problems).as("commands in the docs that do not match the code").isEmpty();
        assertThat(rag).as("the docs show rag commands").hasSizeGreaterThan(10);
    }

    @Test
    void everyRagCommandShownAnywhereNamesRealCommandsAndOptions() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        Pattern ragLine = Pattern.compile("^\\s*(?:\\$\\s+)?(?:[A-Z_]+=\\S+\\s+)*(?:\\./)?rag(?:\\s+(.*))?$");
        for (Markdown doc : docs) {
            for (Markdown.Block block : doc.blocks()) {
                if (SHELL.contains(block.lang()) && block.notRunReason() == null) {
                    continue; // parsed in full by the test above
                }
                String[] lines = block.text().split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = ragLine.matcher(lines[i]);
                    if (m.matches()) {
                        checked++;
                        synopsis(m.group(1), block.where() + "+" + (i + 1), problems);
                    }
                }
            }
            for (Markdown.Span span : doc.inlineCode()) {
                Matcher m = ragLine.matcher(span.text());
                if (m.matches()) {
                    checked++;
                    synopsis(m.group(1), span.where(), problems);
                }
            }
        }
        assertThat(problems).as("commands and options named in synopses and inline code").isEmpty();
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void theDocumentedCommandsRunEndToEnd(@TempDir Path tmp) throws Exception {
        Path repo = shopRepository(tmp.resolve("shop"));
        Map<String, String> base = new HashMap<>();
        base.put("RAG_HOME", tmp.resolve("home").toString());
        base.put("RAG_EMBEDDER", "hashing");
        CliHarness.Result first = CliHarness.run(base, "", "ingest", repo.toString(), "--name", "shop");
        assertThat(first.exitCode()).as(first.toString()).isZero();

        List<String> failures = new ArrayList<>();
        Set<String> ran = new TreeSet<>();
        int executed = 0;
        for (Documented d : ragCommands(new ArrayList<>())) {
            List<String> args = ragArguments(d.command().words());
            if (!runnableHere(d, args)) {
                continue;
            }
            List<String> substituted = withLocalRepository(args, repo);
            Map<String, String> env = new HashMap<>(base);
            env.putAll(d.env());
            CliHarness.Result result = CliHarness.run(env, "", substituted.toArray(String[]::new));
            executed++;
            ran.add(args.get(0) + (args.contains("--json") ? " --json" : ""));
            if (result.exitCode() != 0) {
                failures.add(d.where() + ": `" + d.command().text() + "` (run as rag " + String.join(" ", substituted)
                        + ") " + result);
            }
        }
        assertThat(failures).as("documented commands that fail when run").isEmpty();
        assertThat(ran).as("the documented commands run here cover the everyday ones (ran " + executed + ")")
                .contains("ingest", "add", "status", "status --json", "ask", "process", "migrate");
    }

    @Test
    void everyVariableTheDocsNameIsReadByTheCode() {
        Map<String, String> unknown = new LinkedHashMap<>();
        for (Markdown doc : docs) {
            for (Markdown.Span span : doc.inlineCode()) {
                String name = span.text().replaceAll("=.*", "");
                if (VARIABLE_SPAN.matcher(name).matches() && !Repo.isKnown(known, name)) {
                    unknown.putIfAbsent(name, span.where());
                }
            }
            String text = Repo.read(Repo.root().relativize(doc.file()).toString());
            Matcher m = RAG_VARIABLE.matcher(text);
            while (m.find()) {
                if (!Repo.isKnown(known, m.group()) && !m.group().equals("RAG_")) {
                    unknown.putIfAbsent(m.group(), doc.file().getFileName().toString());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        ragCommands(problems); // adds unknown variables set in shell blocks
        problems.removeIf(p -> !p.contains("variable"));
        unknown.forEach((name, where) -> problems.add(where + ": " + name + " is read by no code"));
        assertThat(problems).as("variables named in the docs that neither Config, HttpSettings nor the logging"
                + " configuration reads (nor the JVM/launcher ones in Repo.EXTERNAL)").isEmpty();
    }

    @Test
    void everyVariableTheCodeReadsIsInTheConfigurationTable() {
        Set<String> table = new TreeSet<>();
        Pattern row = Pattern.compile("(?m)^\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|");
        Matcher m = row.matcher(Repo.read("docs/configuration.md"));
        while (m.find()) {
            table.add(m.group(1));
        }
        Map<String, String> missing = new LinkedHashMap<>(Repo.variablesReadByCode());
        missing.keySet().removeAll(table);
        assertThat(missing).as("variables the code reads that docs/configuration.md's table lacks").isEmpty();
    }

    @Test
    void scriptsTheDocsNameExistAndAreExecutable() {
        Set<String> named = new TreeSet<>();
        Pattern script = Pattern.compile("(?:\\./)?scripts/[\\w.-]+\\.sh");
        for (Markdown doc : docs) {
            Matcher m = script.matcher(Repo.read(Repo.root().relativize(doc.file()).toString()));
            while (m.find()) {
                named.add(m.group().replaceFirst("^\\./", ""));
            }
        }
        assertThat(named).contains("scripts/test.sh");
        for (String s : named) {
            Path path = Repo.root().resolve(s);
            assertThat(Files.isRegularFile(path) && Files.isExecutable(path)).as(s + " exists and is executable")
                    .isTrue();
        }
        Path launcher = Repo.root().resolve("rag");
        assertThat(Files.isExecutable(launcher)).as("./rag is executable").isTrue();
    }

    @Test
    void linksBetweenDocsResolve() {
        List<String> broken = new ArrayList<>();
        for (Markdown doc : docs) {
            for (Markdown.Span link : doc.links()) {
                String target = link.text();
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not followed here
                }
                String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = path.isEmpty() ? doc.file() : doc.file().getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(link.where() + ": " + target + " (no file " + Repo.root().relativize(resolved) + ")");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !Markdown.read(resolved).anchors().contains(anchor)) {
                    broken.add(link.where() + ": " + target + " (no heading with that anchor)");
                }
            }
        }
        assertThat(broken).as("links between docs").isEmpty();
    }

    @Test
    void blocksNotRunHereSayWhy() {
        List<String> problems = new ArrayList<>();
        for (Markdown doc : docs) {
            for (Markdown.Block block : doc.blocks()) {
                if (block.notRunReason() != null && block.notRunReason().length() < 10) {
                    problems.add(block.where() + ": give a reason in <!-- not run here: ... -->");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    // --- the commands of shell blocks -------------------------------------------------------------

    /** Checks every command of every shell block not marked as not run; returns the rag ones. */
    private List<Documented> ragCommands(List<String> problems) {
        List<Documented> rag = new ArrayList<>();
        for (Markdown doc : docs) {
            for (Markdown.Block block : doc.blocks()) {
                if (!SHELL.contains(block.lang()) || block.notRunReason() != null) {
                    continue;
                }
                Map<String, String> blockEnv = new LinkedHashMap<>();
                List<Shell.Command> commands;
                try {
                    commands = Shell.commands(block.text(), block.line() + 1);
                } catch (IllegalArgumentException e) {
                    problems.add(block.where() + ": " + e.getMessage());
                    continue;
                }
                for (Shell.Command c : commands) {
                    String where = block.file().getFileName() + ":" + c.line();
                    checkVariables(c.env().keySet(), where, problems);
                    List<String> w = c.words();
                    if (w.isEmpty()) {
                        problems.add(where + ": a bare assignment (" + c.text() + "); use export or a prefix");
                        continue;
                    }
                    Map<String, String> env = new LinkedHashMap<>(blockEnv);
                    env.putAll(c.env());
                    String head = w.get(0);
                    if (head.equals("export")) {
                        for (String a : w.subList(1, w.size())) {
                            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                            checkVariables(Set.of(name), where, problems);
                            blockEnv.put(name, a.contains("=") ? a.substring(a.indexOf('=') + 1) : "");
                        }
                    } else if (head.equals("rag") || head.equals("./rag")) {
                        parse(w.subList(1, w.size()), where, problems);
                        rag.add(new Documented(block, c, env));
                    } else if (head.equals("java")) {
                        int jar = w.indexOf("-jar");
                        if (jar < 0 || jar + 1 >= w.size() || !(w.get(jar + 1).equals("rag-cli/target/rag.jar")
                                || w.get(jar + 1).equals("/app/rag.jar"))) {
                            problems.add(where + ": java without -jar rag-cli/target/rag.jar: " + c.text());
                        } else {
                            parse(w.subList(jar + 2, w.size()), where, problems);
                        }
                    } else if (head.equals("mvn")) {
                        maven(w, where, problems);
                    } else if (head.matches("(?:\\./)?scripts/.*") || (head.matches("bash|sh") && w.size() > 1)) {
                        String s = head.matches("bash|sh") ? w.get(1) : head;
                        Path path = Repo.root().resolve(s.replaceFirst("^\\./", ""));
                        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                            problems.add(where + ": no executable script " + s);
                        }
                    } else if (!head.equals("cd")) {
                        problems.add(where + ": `" + c.text() + "` is not a command this check knows how to run;"
                                + " fence the block as text or mark it <!-- not run here: reason -->");
                    }
                }
            }
        }
        return rag;
    }

    private void checkVariables(Set<String> names, String where, List<String> problems) {
        for (String name : names) {
            if (!Repo.isKnown(known, name)) {
                problems.add(where + ": variable " + name + " is read by no code");
            }
        }
    }

    /** Parses one rag command line with the real picocli model, as `rag` would before running it. */
    private static ParseResult parse(List<String> args, String where, List<String> problems) {
        try {
            ParseResult result = CliHarness.model().parseArgs(args.toArray(String[]::new));
            if (!result.hasSubcommand() && !result.isUsageHelpRequested() && !result.isVersionHelpRequested()) {
                problems.add(where + ": `rag " + String.join(" ", args) + "` names no command");
            }
            return result;
        } catch (CommandLine.ParameterException e) {
            problems.add(where + ": `rag " + String.join(" ", args) + "`: " + e.getMessage());
            return null;
        }
    }

    /** Lenient check of a synopsis line: the command exists and every --option named is one of it. */
    private static void synopsis(String rest, String where, List<String> problems) {
        String line = rest == null ? "" : rest.replaceAll("\\s#.*$", "");
        CommandLine root = CliHarness.model();
        CommandSpec spec = root.getCommandSpec();
        Matcher first = Pattern.compile("^\\s*([a-z][a-z-]*)").matcher(line);
        if (first.find()) {
            CommandLine sub = root.getSubcommands().get(first.group(1));
            if (sub == null) {
                problems.add(where + ": `rag " + line.strip() + "`: no command " + first.group(1));
                return;
            }
            spec = sub.getCommandSpec();
        }
        Matcher option = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][a-zA-Z-]*)").matcher(line);
        while (option.find()) {
            String name = option.group(1);
            if (spec.findOption(name) == null && root.getCommandSpec().findOption(name) == null) {
                problems.add(where + ": `rag " + line.strip() + "`: " + spec.qualifiedName() + " has no option " + name);
            }
        }
    }

    private static void maven(List<String> words, String where, List<String> problems) {
        List<String> modules = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-pl") && i + 1 < words.size()) {
                for (String m : words.get(i + 1).split(",")) {
                    modules.add(m);
                    if (!Files.exists(Repo.root().resolve(m).resolve("pom.xml"))) {
                        problems.add(where + ": mvn -pl " + m + ": no such module");
                    }
                }
            }
        }
        for (String w : words) {
            Matcher m = Pattern.compile("-D(exec\\.mainClass|test)=([\\w.$]+)").matcher(w);
            if (!m.matches()) {
                continue;
            }
            String file = m.group(2).replace('.', '/') + ".java";
            boolean found = false;
            for (String module : modules.isEmpty() ? List.of("rag-cli") : modules) {
                for (String dir : List.of("src/test/java/", "src/main/java/")) {
                    if (m.group(1).equals("test")) {
                        found |= fileEndingIn(Repo.root().resolve(module).resolve("src/test/java"),
                                m.group(2) + ".java");
                    } else {
                        found |= Files.exists(Repo.root().resolve(module).resolve(dir + file));
                    }
                }
            }
            if (!found) {
                problems.add(where + ": " + w + ": no such class in " + modules);
            }
        }
    }

    private static boolean fileEndingIn(Path dir, String name) {
        try (var files = Files.walk(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().equals(name));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    // --- running them -----------------------------------------------------------------------------

    private static List<String> ragArguments(List<String> words) {
        if (words.get(0).equals("java")) {
            return words.subList(words.indexOf("-jar") + 2, words.size());
        }
        return words.subList(1, words.size());
    }

    private static boolean runnableHere(Documented d, List<String> args) {
        if (args.isEmpty() || !EXECUTED.contains(args.get(0)) || args.contains("--help") || args.contains("-h")
                || args.contains("--home") || args.contains("--database-url")) {
            return false;
        }
        return d.env().keySet().stream().noneMatch(NEEDS_NETWORK::contains);
    }

    /**
     * The documented repository (a URL, or `.`) becomes the local test repository: the commands run
     * as written otherwise, with no network.
     */
    private static List<String> withLocalRepository(List<String> args, Path repo) {
        List<String> out = new ArrayList<>(args);
        String command = args.get(0);
        if (command.equals("ask")) {
            int i = out.indexOf("--repo");
            if (i >= 0 && i + 1 < out.size()) {
                out.set(i + 1, repo.toString());
            }
        } else if (command.equals("ingest") || command.equals("add")) {
            Set<String> valued = new LinkedHashSet<>(List.of("--name", "--ref", "--batch-size", "--delay"));
            for (int i = 1; i < out.size(); i++) {
                if (valued.contains(out.get(i))) {
                    i++;
                } else if (!out.get(i).startsWith("-")) {
                    out.set(i, repo.toString());
                    break;
                }
            }
        }
        return out;
    }

    private static Path shopRepository(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src/shop"));
        Files.writeString(dir.resolve("src/shop/Cart.java"), "package shop;\n\nclass Cart {\n"
                + "    /** The total is the sum of the items' prices. */\n"
                + "    Money total() {\n        return items.stream().map(Item::price).reduce(Money.ZERO, Money::plus);\n"
                + "    }\n}\n");
        Files.writeString(dir.resolve("src/shop/Worker.java"), "package shop;\n\n/** Claims a job with a lease. */\n"
                + "class Worker {\n    Job claim(Queue queue) {\n        return queue.claimWithLease(Duration.ofSeconds(60));\n"
                + "    }\n}\n");
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("shop").setAuthor("Docs", "docs@example.com")
                    .setCommitter("Docs", "docs@example.com").setSign(false).call();
        }
        return dir;
    }
}

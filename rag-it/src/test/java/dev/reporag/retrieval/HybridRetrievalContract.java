package dev.reporag.retrieval;

import dev.reporag.core.RepoRag;
import dev.reporag.core.eval.EvalQuestion;
import dev.reporag.core.eval.EvalReport;
import dev.reporag.core.eval.StoreEvalIndex;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.VectorStore;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hybrid retrieval through the whole pipeline on a real store: a real Git repository is ingested
 * and asked about by identifier (camelCase, snake_case), by path, and with a follow-up that only
 * makes sense with its history. The fast hashing embedder stands in for a model here; retrieval
 * quality with a real model is measured by {@code dev.reporag.bench.RetrievalBench}.
 */
abstract class HybridRetrievalContract {
    /** The store under test: vectors, jobs and conversations, closed after each test. */
    record Stores(VectorStore vectors, JobRepository jobs, ConversationRepository conversations,
                  AutoCloseable closer) {
    }

    @TempDir
    Path dir;
    final HashingEmbedder embedder = new HashingEmbedder(256, 4000);
    private Stores stores;
    private RepoRag rag;
    private Project project;
    private String commit;

    abstract Stores open(Path dir, String modelId, int dimension) throws Exception;

    @BeforeEach
    void ingest() throws Exception {
        stores = open(dir.resolve("store"), embedder.modelId(), embedder.dimension());
        rag = RepoRag.builder()
                .source(new JGitRepositorySource(GitSourceSettings.defaults(dir.resolve("git-cache"))
                        .withAllowLocalSources(true)))
                .embedder(embedder).vectorStore(stores.vectors()).jobs(stores.jobs())
                .conversations(stores.conversations()).build();
        Path repo = repository(dir.resolve("repo"));
        project = rag.register("shop", repo.toString(), null);
        rag.requestIngestion(project.id());
        IngestionJob job = rag.processNext("test").orElseThrow();
        assertThat(job.status()).as(String.valueOf(job.error())).isEqualTo(JobStatus.READY);
        commit = job.commit();
    }

    @AfterEach
    void close() throws Exception {
        if (rag != null) {
            rag.close();
        }
        if (stores != null) {
            stores.closer().close();
        }
    }

    /** Many files that share the common words, so only the identifier or the path can single one out. */
    private static Path repository(Path dir) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            files.put("src/shop/Module" + i + ".java", "package shop;\n\n/** Reads the config of module " + i
                    + " and handles errors. */\nclass Module" + i + " {\n    Config load(Path file) throws IOException {\n"
                    + "        return Config.read(file); // config file parsing and error handling\n    }\n}\n");
        }
        files.put("src/shop/config/ConfigLoader.java", "package shop.config;\n\nclass ConfigLoader {\n"
                + "    static Config parseConfigFile(Path path) throws MalformedConfigException {\n"
                + "        return Config.of(Files.readString(path));\n    }\n}\n");
        files.put("scripts/shipping.py", "import math\n\n\ndef compute_shipping_cost(weight_kg, zone):\n"
                + "    base = 4.5 if zone == 'eu' else 9.0\n    return base + math.ceil(weight_kg) * 1.2\n");
        files.put("src/billing/InvoiceFormatter.java", "package billing;\n\nclass Formatter {\n"
                + "    String format(Config config) {\n        return config.toString();\n    }\n}\n");
        files.put("src/shop/Errors.java", "package shop;\n\n/** The errors the shop throws. */\nclass Errors {\n"
                + "    void fail() {\n        throw new IllegalStateException(\"out of stock\");\n    }\n}\n");
        StringBuilder stock = new StringBuilder("# Stock\n\n");
        for (int i = 0; i < 8; i++) {
            stock.append("When an item is out of stock, the order waits until stock of the item is back (rule ")
                    .append(i).append(").\n\n");
        }
        files.put("docs/stock.md", stock.toString());
        StringBuilder inventory = new StringBuilder("package shop;\n\nclass Inventory {\n");
        for (int i = 0; i < 12; i++) {
            inventory.append("    int shelf").append(i).append(" = load(").append(i).append(", CAPACITY);\n");
        }
        inventory.append("    void reserve(Item item) {\n        if (count(item) == 0) {\n"
                + "            throw new IllegalStateException(\"the order waits until stock is back\");\n"
                + "        }\n    }\n}\n");
        files.put("src/shop/Inventory.java", inventory.toString());
        files.put("src/shop/Orders.java", "package shop;\n\nclass Orders {\n    void cancel(Order order) {\n"
                + "        if (order.shipped()) {\n            throw new IllegalStateException(\"order \" + order.id()"
                + " + \" has shipped on \" + order.date()\n                    + \"; it can only be returned\");\n"
                + "        }\n    }\n}\n");
        files.put("guide/orders.md", "# Orders\n\nAn order can be cancelled until it ships. Cancelling a shipped"
                + " order fails:\n\n    order 4711 has shipped on 2026-11-02; it can only be returned\n\n"
                + "A shipped order can only be returned.\n");
        Files.createDirectories(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("shop").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                    .setSign(false).call();
        }
        return dir;
    }

    @Test
    void anEvaluationAsksTheProjectsOwnQuestionsOnAScratchIndexOfThisStore() throws Exception {
        Path repo = dir.resolve("repo");
        Path loader = repo.resolve("src/shop/config/ConfigLoader.java");
        Files.writeString(loader, "package shop.config;\n\nclass ConfigLoader {\n"
                + "    /** Parses the config file at the given path into a Config, refusing empty files. */\n"
                + "    static Config parseConfigFile(Path path) throws MalformedConfigException {\n"
                + "        String text = Files.readString(path);\n"
                + "        if (text.isBlank()) throw new MalformedConfigException(\"empty\");\n"
                + "        return Config.of(text);\n    }\n}\n");
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Refuse config files that are empty before parsing them")
                    .setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
        }
        rag.requestIngestion(project.id());
        assertThat(rag.processNext("test").orElseThrow().status()).isEqualTo(JobStatus.READY);
        long chunks = stores.vectors().count(project.id());

        EvalReport report = rag.evaluate(project.id(), 10, line -> { });

        assertThat(report.byKind()).containsOnlyKeys(EvalQuestion.HISTORY, EvalQuestion.DOC);
        assertThat(report.results()).extracting(r -> r.question().text()).containsExactlyInAnyOrder(
                "Refuse config files that are empty before parsing them",
                "Parses the config file at the given path into a Config, refusing empty files");
        assertThat(report.results()).allSatisfy(r -> {
            assertThat(r.question().expected()).containsExactly("src/shop/config/ConfigLoader.java");
            assertThat(r.top()).isNotEmpty().doesNotHaveDuplicates();
        });
        assertThat(stores.vectors().count(StoreEvalIndex.scratchOf(project.id()))).isZero();
        assertThat(stores.vectors().count(project.id())).isEqualTo(chunks);
    }

    private Citation first(String question) {
        Answer answer = rag.ask(project.id(), question, null);
        assertThat(answer.citations()).isNotEmpty();
        return answer.citations().get(0);
    }

    @Test
    void keywordSearchFindsIdentifiersWholeAndSplit() {
        List<ScoredChunk> camel = stores.vectors().keywordSearch(project.id(), "parseConfigFile", 3);
        List<ScoredChunk> snake = stores.vectors().keywordSearch(project.id(), "compute_shipping_cost", 3);

        assertThat(camel).isNotEmpty();
        assertThat(camel.get(0).chunk().path()).isEqualTo("src/shop/config/ConfigLoader.java");
        assertThat(snake).isNotEmpty();
        assertThat(snake.get(0).chunk().path()).isEqualTo("scripts/shipping.py");
    }

    @Test
    void aCamelCaseIdentifierFindsItsDefinitionWithExactLines() {
        Citation citation = first("where is parseConfigFile defined?");

        assertThat(citation.path()).isEqualTo("src/shop/config/ConfigLoader.java");
        assertThat(citation.startLine()).isLessThanOrEqualTo(4);
        assertThat(citation.endLine()).isGreaterThanOrEqualTo(4);
        assertThat(citation.commit()).isEqualTo(commit);
    }

    @Test
    void aSnakeCaseIdentifierFindsItsFunction() {
        assertThat(first("what does compute_shipping_cost return for the eu zone?").path())
                .isEqualTo("scripts/shipping.py");
    }

    @Test
    void aFilePathInTheQuestionFindsThatFile() {
        // The file's text never says "invoice"; only its path does.
        assertThat(first("what is in src/billing/InvoiceFormatter.java?").path())
                .isEqualTo("src/billing/InvoiceFormatter.java");
    }

    @Test
    void aQuotedMessageFindsTheLineThatThrowsIt() {
        Citation citation = first("why does the shop say \"The order waits until stock is back\"?");

        assertThat(citation.path()).isEqualTo("src/shop/Inventory.java");
        assertThat(citation.startLine()).isLessThanOrEqualTo(18);
        assertThat(citation.endLine()).isGreaterThanOrEqualTo(18);
        // Unquoted, the same words are ordinary words, which other files hold more often.
        assertThat(first("why does the shop say the order waits until stock is back?").path())
                .isNotEqualTo("src/shop/Inventory.java");
    }

    @Test
    void aQuotedMessageWithValuesFindsTheCodeThatBuildsItBeforeItsCopyInTheDocs() {
        Answer answer = rag.ask(project.id(), "cancelling says \"order 4711 has shipped on 2026-11-02; it can only be"
                + " returned\" - where is that thrown?", null);

        assertThat(answer.citations()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(answer.citations().get(0).path()).isEqualTo("src/shop/Orders.java");
        assertThat(answer.citations().get(0).startLine()).isLessThanOrEqualTo(6);
        assertThat(answer.citations().get(0).endLine()).isGreaterThanOrEqualTo(7);
        assertThat(answer.citations().get(1).path()).isEqualTo("guide/orders.md");
    }

    @Test
    void aFollowUpIsRetrievedWithItsHistory() {
        Answer opening = rag.ask(project.id(), "explain parseConfigFile", null);
        Answer followUp = rag.ask(project.id(), "what does it throw?", opening.conversationId());
        Answer alone = rag.ask(project.id(), "what does it throw?", null);

        assertThat(followUp.conversationId()).isEqualTo(opening.conversationId());
        assertThat(stores.conversations().turns(opening.conversationId())).hasSize(2);
        assertThat(followUp.citations().get(0).path()).isEqualTo("src/shop/config/ConfigLoader.java");
        // Without the history the same words point elsewhere: the history is what found it.
        assertThat(alone.citations().get(0).path()).isNotEqualTo("src/shop/config/ConfigLoader.java");
    }
}

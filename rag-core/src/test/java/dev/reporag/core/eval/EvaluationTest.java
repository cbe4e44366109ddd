package dev.reporag.core.eval;

import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The label procedure and the replay on a small repository made here, with a fake index that shows what it holds. */
class EvaluationTest {
    private static final String REPO = "mem://shop";

    /** Ranks files by how many of the question's words they hold; remembers what it was given. */
    static final class WordIndex implements EvalIndex {
        final Map<String, String> files = new HashMap<>();
        final List<String> putPaths = new ArrayList<>();
        final Map<String, Map<String, String>> seenAtQuestion = new HashMap<>();

        @Override
        public void put(Map<String, String> batch) {
            files.putAll(batch);
            putPaths.addAll(batch.keySet());
        }

        @Override
        public void remove(Set<String> paths) {
            paths.forEach(files::remove);
        }

        @Override
        public List<String> rank(String question, int max) {
            seenAtQuestion.put(question, Map.copyOf(files));
            List<String> words = Arrays.stream(question.toLowerCase(Locale.ROOT).split("\\W+"))
                    .filter(w -> w.length() > 3).toList();
            return files.entrySet().stream()
                    .filter(e -> score(e.getValue(), words) > 0)
                    .sorted(Comparator.comparingLong((Map.Entry<String, String> e) -> -score(e.getValue(), words))
                            .thenComparing(Map.Entry::getKey))
                    .map(Map.Entry::getKey).limit(max).toList();
        }

        private static long score(String text, List<String> words) {
            String lower = text.toLowerCase(Locale.ROOT);
            return words.stream().filter(lower::contains).count();
        }
    }

    static Map<String, String> files(String cart, String pricing) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("docs/guide.md", "# Shop\n\nThe cart total of the order.\n");
        files.put("src/Cart.java", cart);
        files.put("src/Pricing.java", pricing);
        files.put("src/test/CartTest.java", "class CartTest { void discount() {} }\n");
        return files;
    }

    static final String CART_V1 = """
            class Cart {
                /**
                 * Adds every line of the basket to the running total of the order.
                 */
                Money total() { return sum(); }
            }
            """;
    static final String CART_V2 = CART_V1.replace("return sum();", "return sum().minus(discount());");
    static final String PRICING = """
            class Pricing {
                /**
                 * Converts the amount between currencies with the rate of the day.
                 */
                Money convert(Money amount) { return amount; }
            }
            """;

    /** Three commits: the first, one that adds a discount to Cart.java, one that only changes a test. */
    static String commitShop(InMemoryRepositorySource source) {
        source.commit(REPO, "Initial import of the shop", files(CART_V1, PRICING));
        source.commit(REPO, "Apply the discount of the customer to the cart total", files(CART_V2, PRICING));
        Map<String, String> last = files(CART_V2, PRICING);
        last.put("src/test/CartTest.java", "class CartTest { void discountApplies() {} }\n");
        return source.commit(REPO, "Check that discounts apply in the tests", last);
    }

    @Test
    void historyQuestionsAreAskedOfTheParentTreeAndDocQuestionsWithoutTheirComment() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        String head = commitShop(source);
        Project project = new Project(ProjectId.random(), "shop", REPO, null, Instant.now());
        FileFilter filter = FileFilter.defaults();
        try (Snapshot snapshot = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            Evaluation.Questions made = Evaluation.make(snapshot, filter, 5, 5);

            assertThat(made.questions()).filteredOn(q -> q.kind().equals(EvalQuestion.HISTORY))
                    .singleElement().satisfies(q -> {
                        assertThat(q.text()).isEqualTo("Apply the discount of the customer to the cart total");
                        assertThat(q.expected()).containsExactly("src/Cart.java");
                    });
            assertThat(made.questions()).filteredOn(q -> q.kind().equals(EvalQuestion.DOC))
                    .extracting(EvalQuestion::text).containsExactlyInAnyOrder(
                            "Adds every line of the basket to the running total of the order",
                            "Converts the amount between currencies with the rate of the day");
            assertThat(made.notes()).anyMatch(n -> n.startsWith("history: 1 of the 3 commits"))
                    .anyMatch(n -> n.startsWith("doc comments: 2 source files"));

            WordIndex index = new WordIndex();
            EvalReport report = Evaluation.run(snapshot, filter, made.questions(), index, line -> { });

            Map<String, String> atHistory = index.seenAtQuestion.get(
                    "Apply the discount of the customer to the cart total");
            assertThat(atHistory.get("src/Cart.java")).isEqualTo(CART_V1); // the tree before the commit
            Map<String, String> atDoc = index.seenAtQuestion.get(
                    "Converts the amount between currencies with the rate of the day");
            assertThat(atDoc.get("src/Pricing.java")).doesNotContain("Converts the amount")
                    .contains("Money convert(Money amount)");
            assertThat(atDoc.get("src/Cart.java")).doesNotContain("Adds every line").contains("discount()");
            assertThat(atDoc).doesNotContainKey("docs/guide.md"); // the filter's rules hold: docs are left out
            assertThat(atDoc).containsKey("src/test/CartTest.java");

            assertThat(report.commit()).isEqualTo(head);
            assertThat(report.overall().questions()).isEqualTo(3);
            assertThat(report.byKind()).containsOnlyKeys(EvalQuestion.HISTORY, EvalQuestion.DOC);
            // The history question's words are in the old Cart.java ("total"), so the fake finds it first.
            assertThat(report.results()).filteredOn(r -> r.question().kind().equals(EvalQuestion.HISTORY))
                    .singleElement().satisfies(r -> assertThat(r.rank()).isEqualTo(1));
            // With the comment gone, no file holds "basket" or "running": found only by "total" (Cart) at best.
            assertThat(report.results()).allSatisfy(r -> assertThat(r.rank()).isBetween(0, EvalReport.DEPTH));
            // Moving between trees re-reads only what changed: Cart.java twice (hidden comment, then v1).
            assertThat(index.putPaths.stream().filter("src/Cart.java"::equals).count()).isEqualTo(2);
        }
    }

    @Test
    void scoresAreSharesOfQuestionsAndMeanReciprocalRanks() {
        EvalQuestion q = new EvalQuestion("q", "k", Set.of("a"), "c", null, "o");
        EvalReport.Score score = EvalReport.Score.of(List.of(new EvalReport.Result(q, 1, List.of()),
                new EvalReport.Result(q, 4, List.of()), new EvalReport.Result(q, 0, List.of()),
                new EvalReport.Result(q, 7, List.of())));

        assertThat(score.questions()).isEqualTo(4);
        assertThat(score.recall1()).isEqualTo(0.25);
        assertThat(score.recall5()).isEqualTo(0.5);
        assertThat(score.mrr()).isCloseTo((1 + 0.25 + 1.0 / 7) / 4, org.assertj.core.data.Offset.offset(1e-9));
    }

    /** A documentation repository is asked its section headings, each with its heading left out. */
    @Test
    void aDocumentationRepositoryIsAskedItsSectionHeadings() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        Map<String, String> book = new java.util.TreeMap<>();
        String prose = "Some words about the subject of this chapter, and more of them.\n\n".repeat(40);
        book.put("docs/promise.md", "# Promise\n\n## The meaning of Promise.allSettled\n\n" + prose
                + "```bash\n## not a heading: a shell comment in a code block\n```\n\n## Overview\n\n" + prose);
        book.put("docs/async.md", "# Async\n\n## 异步函数的含义\n\n" + prose + "## Overview\n\n" + prose);
        book.put("docs/set.md", "# Set\n\n## [WeakSet](https://example.com) and its uses\n\n" + prose);
        book.put("peps/pep-0008.rst", "PEP: 8\nTitle: Style Guide\n\nIntroduction\n============\n\n" + prose
                + "A Foolish Consistency is the Hobgoblin\n--------------------------------------\n\n" + prose
                + "::\n\n    indented code\n    =============\n");
        book.put("index.js", "export const site = 1;\n");
        // Over the 50 KB of other files, under a documentation repository's 2 MB: indexed, and asked.
        book.put("docs/long.md", "# Long\n\n## A chapter longer than the usual limit\n\n" + prose.repeat(25));
        source.commit(REPO, "Initial import", book);
        Project project = new Project(ProjectId.random(), "book", REPO, null, Instant.now());
        FileFilter filter = FileFilter.defaults();
        try (Snapshot snapshot = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            Evaluation.Questions made = Evaluation.make(snapshot, filter, 5, 5);

            assertThat(made.questions()).filteredOn(q -> q.kind().equals(EvalQuestion.HEADING))
                    .extracting(EvalQuestion::text, q -> q.expected().iterator().next()).containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("The meaning of Promise.allSettled", "docs/promise.md"),
                            org.assertj.core.groups.Tuple.tuple("异步函数的含义", "docs/async.md"),
                            org.assertj.core.groups.Tuple.tuple("WeakSet and its uses", "docs/set.md"),
                            org.assertj.core.groups.Tuple.tuple("A Foolish Consistency is the Hobgoblin",
                                    "peps/pep-0008.rst"),
                            org.assertj.core.groups.Tuple.tuple("A chapter longer than the usual limit", "docs/long.md"));
            assertThat(made.notes()).as("five made, five wanted").noneMatch(n -> n.startsWith("headings:"));

            WordIndex index = new WordIndex();
            EvalReport report = Evaluation.run(snapshot, filter, made.questions(), index, line -> { });

            assertThat(index.seenAtQuestion.get("The meaning of Promise.allSettled").get("docs/promise.md"))
                    .doesNotContain("The meaning of Promise.allSettled").contains("# Promise");
            assertThat(report.byKind()).containsKey(EvalQuestion.HEADING);
            assertThat(report.overall().questions()).as("none left out: the long chapter is indexed too")
                    .isEqualTo(made.questions().size());
        }
    }

    /**
     * A code base's manual is asked its headings when the project's own rules index it, and only then;
     * its README's headings are not asked (a code base is asked of its code).
     */
    @Test
    void aCodeBasesManualIsAskedItsHeadingsWhenTheProjectIndexesIt() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        Map<String, String> files = new java.util.TreeMap<>();
        String prose = "Some words about configuring the application, and more of them.\n\n".repeat(5);
        for (int i = 0; i < 8; i++) {
            files.put("src/app/module" + i + ".py", ("def handler_" + i + "(request):\n    return request\n\n").repeat(60));
        }
        files.put("docs/config.rst", "Configuration\n=============\n\n" + prose
                + "Configuring from Environment Variables\n--------------------------------------\n\n" + prose);
        files.put("docs/sessions.md", "# Sessions\n\n## How sessions are signed\n\n" + prose);
        files.put("README.md", "# App\n\n## Installing the application quickly\n\n" + prose);
        source.commit(REPO, "Initial import", files);
        Project project = new Project(ProjectId.random(), "app", REPO, null, Instant.now());
        try (Snapshot snapshot = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            Evaluation.Questions without = Evaluation.make(snapshot, FileFilter.defaults(), 0, 5);
            assertThat(without.questions()).noneMatch(q -> q.kind().equals(EvalQuestion.HEADING));
            assertThat(without.notes()).noneMatch(n -> n.startsWith("headings:"));

            FileFilter withManual = FileFilter.defaults().forProject(new PathRules(List.of("docs/**"), List.of()));
            Evaluation.Questions with = Evaluation.make(snapshot, withManual, 0, 5);
            assertThat(with.questions()).filteredOn(q -> q.kind().equals(EvalQuestion.HEADING))
                    .extracting(EvalQuestion::text, q -> q.expected().iterator().next()).containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("Configuring from Environment Variables",
                                    "docs/config.rst"),
                            org.assertj.core.groups.Tuple.tuple("How sessions are signed", "docs/sessions.md"));
            assertThat(with.notes()).anyMatch(n -> n.startsWith("headings: 2 documents"));
        }
    }

    /** Sentences in Chinese are told apart by their own letters (they were all "" once normalised). */
    @Test
    void chineseDocCommentsOfSeveralFilesMakeAQuestionEach() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, "Initial import", Map.of(
                "src/Cart.java", "class Cart {\n    /** 计算购物车中所有商品的总价。 */\n    Money total() { return sum(); }\n}\n",
                "src/Pricing.java", "class Pricing {\n    /** 按当天汇率在不同货币之间换算金额。 */\n    Money convert(Money m) { return m; }\n}\n",
                "src/Orders.java", "class Orders {\n    /** 把订单保存到数据库并返回它的编号。 */\n    long save(Order o) { return 1; }\n}\n"));
        Project project = new Project(ProjectId.random(), "shop", REPO, null, Instant.now());
        try (Snapshot snapshot = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            Evaluation.Questions made = Evaluation.make(snapshot, FileFilter.defaults(), 5, 5);

            assertThat(made.questions()).filteredOn(q -> q.kind().equals(EvalQuestion.DOC))
                    .extracting(EvalQuestion::text).containsExactlyInAnyOrder(
                            "计算购物车中所有商品的总价", "按当天汇率在不同货币之间换算金额", "把订单保存到数据库并返回它的编号");
        }
    }

    @Test
    void aRepositoryWithoutHistoryOrDocCommentsMakesNoQuestionAndSaysWhy() {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit(REPO, "Initial import", Map.of("src/A.java", "class A { void run() {} }\n"));
        Project project = new Project(ProjectId.random(), "shop", REPO, null, Instant.now());
        try (Snapshot snapshot = source.openWithHistory(project, 100, FetchMonitor.NONE)) {
            Evaluation.Questions made = Evaluation.make(snapshot, FileFilter.defaults(), 5, 5);

            assertThat(made.questions()).isEmpty();
            assertThat(made.notes()).containsExactly(
                    "history: 1 commit of history is available (a repository with one commit, or a source that keeps"
                            + " no history), so no question was made from it",
                    "doc comments: 0 source files have a function or method doc comment whose first sentence makes"
                            + " a question (5 wanted)");
        }
    }
}

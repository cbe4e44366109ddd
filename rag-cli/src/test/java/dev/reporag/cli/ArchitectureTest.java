package dev.reporag.cli;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.policy.FileFilter;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The hexagon across modules (the CLI sees every module): adapters stand alone, each library stays
 * in its adapter, and only the composition root builds adapters.
 */
class ArchitectureTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Test jars (contract tests, fake servers, benchmarks) are test code too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.reporag");

    private static final String[] ADAPTERS = {"dev.reporag.git..", "dev.reporag.openai..", "dev.reporag.pgvector..",
            "dev.reporag.local.."};

    @Test
    void adaptersDoNotDependOnEachOther() {
        for (String adapter : ADAPTERS) {
            String[] others = java.util.Arrays.stream(ADAPTERS).filter(a -> !a.equals(adapter))
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(adapter)
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .orShould().dependOnClassesThat().resideInAnyPackage("dev.reporag.http..", "dev.reporag.cli..")
                    .check(ALL);
        }
    }

    @Test
    void eachLibraryStaysInItsAdapter() {
        onlyIn("dev.reporag.git..", "org.eclipse.jgit..");
        onlyIn("dev.reporag.openai..", "dev.langchain4j.model.openai..", "com.knuddels.jtokkit..");
        onlyIn("dev.reporag.pgvector..", "java.sql..", "javax.sql..", "org.flywaydb..", "com.zaxxer.hikari..",
                "org.postgresql..");
        onlyIn("dev.reporag.local..", "org.apache.lucene..", "org.h2..", "ai.onnxruntime..", "ai.djl..");
        onlyIn("dev.reporag.http..", "io.javalin..");
        onlyIn("dev.reporag.cli..", "picocli..", "me.tongfei..");
    }

    private static void onlyIn(String home, String... libraries) {
        noClasses().that().resideOutsideOfPackage(home)
                .should().dependOnClassesThat().resideInAnyPackage(libraries)
                .check(ALL);
    }

    @Test
    void onlyTheCompositionRootBuildsAdapters() {
        noClasses().that().resideInAPackage("dev.reporag.http..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
                .check(ALL);
        classes().that().resideInAPackage("dev.reporag.cli..")
                .and().doNotHaveSimpleName("Wiring")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages(ADAPTERS)
                .check(ALL);
    }

    @Test
    void onlyTheCliWritesToTheConsole() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.reporag.cli.Main")
                .and().doNotHaveFullyQualifiedName("dev.reporag.cli.ProgressPrinter")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(ALL);
    }

    /** Main reads the environment once and hands it to Config; everything else is given values. */
    static final ArchRule ONLY_THE_COMPOSITION_ROOT_READS_THE_ENVIRONMENT = noClasses()
            .that().doNotHaveFullyQualifiedName("dev.reporag.cli.Main")
            // A benchmark is a tool of its own, not part of the product.
            .and().resideOutsideOfPackage("dev.reporag.bench..")
            .should().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class)
            .because("configuration is read in one place, the composition root, and passed in as values");

    /**
     * The driving adapters call the use cases that hold the rules: registration through
     * {@code registerOrFind} (its one rule for duplicates), a foreground ingestion through
     * {@code ForegroundIngestion} (which job to claim, following and taking over another worker's).
     */
    static final ArchRule DRIVING_ADAPTERS_CALL_USE_CASES_NOT_THEIR_STEPS = noClasses()
            .that().resideInAnyPackage("dev.reporag.cli..", "dev.reporag.http..")
            .should().callMethodWhere(DescribedPredicate.describe("RepoRag.process or RepoRag.register",
                    call -> call.getTargetOwner().isEquivalentTo(RepoRag.class)
                            && (call.getName().equals("process") || call.getName().equals("register"))));

    /**
     * Policies are the core's decisions: outside the composition root (which builds the settings),
     * the CLI and HTTP use only the ones that shape text and classify a source.
     */
    static final ArchRule DRIVING_ADAPTERS_DO_NOT_APPLY_POLICIES = noClasses()
            .that().resideInAnyPackage("dev.reporag.cli..", "dev.reporag.http..")
            .and().doNotHaveFullyQualifiedName("dev.reporag.cli.Wiring")
            .and().doNotHaveFullyQualifiedName("dev.reporag.cli.Config")
            .should().dependOnClassesThat(DescribedPredicate.describe("a core policy other than TextRules,"
                    + " ErrorWords and SourceKind", (JavaClass c) -> c.getPackageName().startsWith("dev.reporag.core.policy")
                    && !Set.of("TextRules", "ErrorWords", "SourceKind").contains(c.getSimpleName())));

    @Test
    void onlyTheCompositionRootReadsTheEnvironment() {
        ONLY_THE_COMPOSITION_ROOT_READS_THE_ENVIRONMENT.check(ALL);
    }

    @Test
    void drivingAdaptersLeaveDecisionsToTheCore() {
        DRIVING_ADAPTERS_CALL_USE_CASES_NOT_THEIR_STEPS.check(ALL);
        DRIVING_ADAPTERS_DO_NOT_APPLY_POLICIES.check(ALL);
    }

    @Test
    void theRulesCatchWhatTheyForbid() {
        JavaClasses offender = new ClassFileImporter().importClasses(RuleBreaker.class);
        assertThatThrownBy(() -> ONLY_THE_COMPOSITION_ROOT_READS_THE_ENVIRONMENT.check(offender))
                .isInstanceOf(AssertionError.class).hasMessageContaining("getenv");
        assertThatThrownBy(() -> DRIVING_ADAPTERS_CALL_USE_CASES_NOT_THEIR_STEPS.check(offender))
                .isInstanceOf(AssertionError.class).hasMessageContaining("process").hasMessageContaining("register");
        assertThatThrownBy(() -> DRIVING_ADAPTERS_DO_NOT_APPLY_POLICIES.check(offender))
                .isInstanceOf(AssertionError.class).hasMessageContaining("FileFilter");
    }

    /** A CLI class that breaks each rule above, so the rules are seen to fail. Never run. */
    @SuppressWarnings("unused")
    static final class RuleBreaker {
        String home() {
            return System.getenv("RAG_HOME");
        }

        Object decide(RepoRag rag, IngestionJob job) {
            rag.register("shop", "https://github.com/acme/shop.git", null);
            return rag.process(job.id(), "w", new Cancellation(), IngestionListener.NONE).isPresent()
                    ? FileFilter.defaults() : null;
        }
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.reporag.(*)..").should().beFreeOfCycles().check(ALL);
    }
}

package dev.reporag.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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

    @Test
    void noPackageCycles() {
        slices().matching("dev.reporag.(*)..").should().beFreeOfCycles().check(ALL);
    }
}

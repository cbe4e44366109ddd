package dev.reporag.core.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The core stays pure: the JDK and SLF4J only, ports as interfaces, no package cycles. */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.reporag.core");

    @Test
    void theCoreDependsOnTheJdkAndSlf4jOnly() {
        classes().that().resideInAPackage("dev.reporag.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.reporag.core..", "java..", "org.slf4j..")
                .check(CORE);
    }

    @Test
    void portsAreInterfacesOrTheirValuesAndErrors() {
        classes().that().resideInAPackage("dev.reporag.core.port")
                .and().areNotAssignableTo(RuntimeException.class)
                .and().areNotRecords()
                .and().areNotEnums()
                .should().beInterfaces()
                .check(CORE);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.reporag.core.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void nothingPrintsToTheConsole() {
        noClasses().that().resideInAPackage("dev.reporag.core..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(CORE);
    }

    @Test
    void policiesDoNoIo() {
        noClasses().that().resideInAPackage("dev.reporag.core.policy")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.net..",
                        "dev.reporag.core.port..")
                .check(CORE);
    }
}

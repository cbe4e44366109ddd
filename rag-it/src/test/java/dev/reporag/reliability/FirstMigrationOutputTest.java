package dev.reporag.reliability;

import dev.reporag.pgvector.TestSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first start on a database where pgvector was enabled beforehand (as Render, Supabase and
 * Neon users do from their dashboards) printed Flyway's "WARN … extension "vector" already exists,
 * skipping": a notice of the database, not a problem.
 */
class FirstMigrationOutputTest {
    @TempDir
    Path tmp;

    @Test
    void aFirstMigrationWithPgvectorAlreadyEnabledPrintsNoWarning() throws Exception {
        try (TestSchema db = new TestSchema("firstmig")) {
            Path log = tmp.resolve("migrate.log");
            // The product's logging configuration, not this module's logback-test.xml.
            int exit = Child.run(log, 120, Map.of("DATABASE_URL", db.databaseUrl(), "RAG_HOME", tmp.toString(),
                    "JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=logback.xml"), "migrate");
            String output = Files.readString(log);
            assertThat(exit).as(output).isZero();
            assertThat(output).contains("the database schema is up to date").doesNotContain("WARN")
                    .doesNotContain("already exists");
        }
    }
}

package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryIgnoresTest {
    private static RepositoryIgnores of(RepositoryIgnores.File... files) {
        return RepositoryIgnores.parse(List.of(files));
    }

    @Test
    void readsGitignoreRules() {
        RepositoryIgnores ignores = of(new RepositoryIgnores.File("", ".cursorignore", """
                # secrets and data the team keeps away from AI tools
                config/credentials/
                *.sql
                !schema.sql
                /notes.md
                data/**/*.csv
                build
                """));

        assertThat(ignores.ignoredBy("config/credentials/prod.yml")).contains(".cursorignore");
        assertThat(ignores.ignoredBy("config/credentials.yml")).isEmpty(); // "dir/" names a directory
        assertThat(ignores.ignoredBy("db/migrations/V1__init.sql")).contains(".cursorignore");
        assertThat(ignores.ignoredBy("db/schema.sql")).isEmpty(); // re-included
        assertThat(ignores.ignoredBy("notes.md")).contains(".cursorignore");
        assertThat(ignores.ignoredBy("docs/notes.md")).isEmpty(); // anchored at the root
        assertThat(ignores.ignoredBy("data/2024/q1/sales.csv")).contains(".cursorignore");
        assertThat(ignores.ignoredBy("tools/build/gen.py")).contains(".cursorignore"); // a name at any depth
        assertThat(ignores.ignoredBy("src/Main.java")).isEmpty();
    }

    @Test
    void nothingUnderAnIgnoredDirectoryComesBack() {
        RepositoryIgnores ignores = of(new RepositoryIgnores.File("", ".aiignore", "private/\n!private/README.md\n"));

        assertThat(ignores.ignoredBy("private/README.md")).contains(".aiignore");
        assertThat(ignores.ignoredBy("private/keys/a.txt")).contains(".aiignore");
    }

    @Test
    void deeperFilesComeLaterAndAnEmptyAiexcludeLeavesOutItsDirectory() {
        RepositoryIgnores ignores = of(
                new RepositoryIgnores.File("app", ".aiignore", "!keep.env.example\n"),
                new RepositoryIgnores.File("", ".ragignore", "*.example\n"),
                new RepositoryIgnores.File("billing", ".aiexclude", "# nothing here may be read\n"));

        assertThat(ignores.ignoredBy("x.example")).contains(".ragignore");
        assertThat(ignores.ignoredBy("app/keep.env.example")).isEmpty();
        assertThat(ignores.ignoredBy("app/other.example")).contains(".ragignore");
        assertThat(ignores.ignoredBy("billing/Invoice.java")).contains("billing/.aiexclude");
        assertThat(ignores.ignoredBy("billing/a/b/c.py")).contains("billing/.aiexclude");
        assertThat(ignores.ignoredBy("billingx/a.py")).isEmpty();
    }

    @Test
    void onlyItsKnownNamesAreIgnoreFiles() {
        assertThat(RepositoryIgnores.isIgnoreFile(".aiexclude")).isTrue();
        assertThat(RepositoryIgnores.isIgnoreFile("web/.cursorignore")).isTrue();
        assertThat(RepositoryIgnores.isIgnoreFile(".gitignore")).isFalse();
        assertThat(RepositoryIgnores.isIgnoreFile("x.aiignore")).isFalse();
        assertThat(of(new RepositoryIgnores.File("", ".aiignore", "# only a comment\n")))
                .isSameAs(RepositoryIgnores.NONE);
    }
}

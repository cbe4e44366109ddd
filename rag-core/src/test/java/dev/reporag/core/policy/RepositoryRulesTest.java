package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryRulesTest {
    @Test
    void rulesFilesSavedWithAByteOrderMarkAndCrlfReadAsAnyOther() {
        RepositoryRules rules = RepositoryRules.parse(List.of(
                new RepositoryRules.RuleFile(".gitattributes", "\uFEFFsrc/parser.c linguist-generated\r\n* text=auto\r\n"),
                new RepositoryRules.RuleFile("web/.aiignore", "\uFEFFsecrets/\r\n")), List.of());

        assertThat(rules.attributes().exclusionMark("src/parser.c")).contains("linguist-generated");
        assertThat(rules.ignores().ignoredBy("web/secrets/a.txt")).contains("web/.aiignore");
        assertThat(rules.ignores().ignoredBy("secrets/a.txt")).isEmpty();
    }

    @Test
    void aVirtualEnvironmentIsADirectoryHoldingPyvenvCfgBelowTheRoot() {
        RepositoryRules rules = RepositoryRules.parse(List.of(), List.of("venv/pyvenv.cfg", "pyvenv.cfg",
                "tools/.env311/pyvenv.cfg"));

        assertThat(rules.environmentOf("venv/lib/python3.11/site-packages/a.py")).contains("venv");
        assertThat(rules.environmentOf("tools/.env311/bin/activate")).contains("tools/.env311");
        assertThat(rules.environmentOf("venvs/a.py")).isEmpty();
        assertThat(rules.environmentOf("src/app.py")).as("a pyvenv.cfg at the root is not an environment").isEmpty();
        assertThat(RepositoryRules.concernsOtherFiles("venv/pyvenv.cfg")).isTrue();
        assertThat(RepositoryRules.concernsOtherFiles("web/.cursorignore")).isTrue();
        assertThat(RepositoryRules.concernsOtherFiles("src/app.py")).isFalse();
    }

    /** Four fifths of what would be indexed with it: a book or a docs site, not a code base with a manual. */
    @Test
    void aRepositoryIsADocumentationOneFromFourFifthsOfDocumentation() {
        assertThat(RepositoryRules.documentation(0, 1_000)).isEqualTo(RepositoryRules.Documentation.NONE);
        assertThat(RepositoryRules.documentation(0, 0)).isEqualTo(RepositoryRules.Documentation.NONE);
        assertThat(RepositoryRules.documentation(790, 210)).isEqualTo(RepositoryRules.Documentation.LEFT_OUT);
        assertThat(RepositoryRules.documentation(800, 200)).isEqualTo(RepositoryRules.Documentation.INDEXED);
        assertThat(RepositoryRules.documentation(5, 0)).isEqualTo(RepositoryRules.Documentation.INDEXED);
        assertThat(RepositoryRules.NONE.documentation()).isEqualTo(RepositoryRules.Documentation.NONE);
    }
}

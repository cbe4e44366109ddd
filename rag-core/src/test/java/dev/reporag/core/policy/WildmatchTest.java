package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WildmatchTest {
    @Test
    void wildcardsAsGitReadsThem() {
        assertThat("src/a.c").matches(Wildmatch.toRegex("src/?.[ch]"));
        assertThat("src/ab.c").doesNotMatch(Wildmatch.toRegex("src/?.[ch]"));
        assertThat("src/x.o").matches(Wildmatch.toRegex("src/*.[!ch]"));
        assertThat("src/x.c").doesNotMatch(Wildmatch.toRegex("src/*.[!ch]"));
        assertThat("a/b/c/d.go").matches(Wildmatch.toRegex("a/**/d.go"));
        assertThat("a/d.go").matches(Wildmatch.toRegex("a/**/d.go"));
        assertThat("a/b/d.go").doesNotMatch(Wildmatch.toRegex("a/*/*/d.go"));
        assertThat("a+b(1).txt").matches(Wildmatch.toRegex("a+b(1).txt"));
        assertThat("star*.txt").matches(Wildmatch.toRegex("star\\*.txt"));
        assertThat("starx.txt").doesNotMatch(Wildmatch.toRegex("star\\*.txt"));
    }

    @Test
    void aPatternIsRelativeToItsFilesDirectoryOnlyWithASlash() {
        assertThat("web/src/a.js").matches(Wildmatch.inDirectory("web", "*.js"));
        assertThat("web/a.js").matches(Wildmatch.inDirectory("web", "/a.js"));
        assertThat("web/src/a.js").doesNotMatch(Wildmatch.inDirectory("web", "/a.js"));
        assertThat("web/src/a.js").matches(Wildmatch.inDirectory("web", "src/a.js"));
        assertThat("web/x/src/a.js").doesNotMatch(Wildmatch.inDirectory("web", "src/a.js"));
        assertThat("other/a.js").doesNotMatch(Wildmatch.inDirectory("web", "*.js"));
    }
}

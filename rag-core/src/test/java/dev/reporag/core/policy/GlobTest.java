package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {
    @Test
    void namePatternsMatchAtAnyDepth() {
        Glob glob = new Glob("*.min.js");
        assertThat(glob.matches("a.min.js")).isTrue();
        assertThat(glob.matches("x/y/a.min.js")).isTrue();
        assertThat(glob.matches("a.js")).isFalse();
        assertThat(new Glob("node_modules").matches("web/node_modules/x/index.js")).isTrue();
    }

    @Test
    void anchoredPatternsAndDoubleStars() {
        assertThat(new Glob("src/gen/**").matches("src/gen/a/B.java")).isTrue();
        assertThat(new Glob("src/gen/**").matches("other/src/gen/B.java")).isFalse();
        assertThat(new Glob("**/test/*.java").matches("a/b/test/X.java")).isTrue();
        assertThat(new Glob("**/test/*.java").matches("test/X.java")).isTrue();
        assertThat(new Glob("**/test/*.java").matches("test/sub/X.java")).isFalse();
        assertThat(new Glob("docs/**").matches("module/docs/x.md")).isTrue();
    }

    @Test
    void questionMarksBracesAndLiterals() {
        assertThat(new Glob("*.{png,jpg}").matches("a/b.jpg")).isTrue();
        assertThat(new Glob("*.{png,jpg}").matches("a/b.gif")).isFalse();
        assertThat(new Glob("file?.txt").matches("file1.txt")).isTrue();
        assertThat(new Glob("a+b(1).c").matches("a+b(1).c")).isTrue();
        assertThat(new Glob("a+b(1).c").matches("aab(1).c")).isFalse();
    }
}

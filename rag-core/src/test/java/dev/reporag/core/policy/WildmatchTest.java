package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class WildmatchTest {
    private static boolean matches(String pattern, String path) {
        return Wildmatch.inDirectory("", pattern).matches(path);
    }

    @Test
    void wildcardsAsGitReadsThem() {
        assertThat(matches("src/?.[ch]", "src/a.c")).isTrue();
        assertThat(matches("src/?.[ch]", "src/ab.c")).isFalse();
        assertThat(matches("src/*.[!ch]", "src/x.o")).isTrue();
        assertThat(matches("src/*.[!ch]", "src/x.c")).isFalse();
        assertThat(matches("src/[a-c]*.go", "src/beta.go")).isTrue();
        assertThat(matches("src/[a-c]*.go", "src/delta.go")).isFalse();
        assertThat(matches("a/**/d.go", "a/b/c/d.go")).isTrue();
        assertThat(matches("a/**/d.go", "a/d.go")).isTrue();
        assertThat(matches("a/**/d.go", "ab/d.go")).isFalse();
        assertThat(matches("a/*/*/d.go", "a/b/d.go")).isFalse();
        assertThat(matches("a/**", "a/b/c")).isTrue();
        assertThat(matches("a/**", "a")).isFalse();
        assertThat(matches("**", "any/thing")).isTrue();
        assertThat(matches("a+b(1).txt", "a+b(1).txt")).isTrue();
        assertThat(matches("star\\*.txt", "star*.txt")).isTrue();
        assertThat(matches("star\\*.txt", "starx.txt")).isFalse();
        assertThat(matches("[unclosed", "[unclosed")).isTrue();
        // '*' stays within a name; a pattern without a slash matches a name at any depth.
        assertThat(matches("*.pb.go", "api/v1/types.pb.go")).isTrue();
        assertThat(matches("*.go", "api/v1")).isFalse();
        assertThat(matches("a*b", "a/b")).isFalse();
    }

    @Test
    void aPatternIsRelativeToItsFilesDirectoryOnlyWithASlash() {
        assertThat(Wildmatch.inDirectory("web", "*.js").matches("web/src/a.js")).isTrue();
        assertThat(Wildmatch.inDirectory("web", "/a.js").matches("web/a.js")).isTrue();
        assertThat(Wildmatch.inDirectory("web", "/a.js").matches("web/src/a.js")).isFalse();
        assertThat(Wildmatch.inDirectory("web", "src/a.js").matches("web/src/a.js")).isTrue();
        assertThat(Wildmatch.inDirectory("web", "src/a.js").matches("web/x/src/a.js")).isFalse();
        assertThat(Wildmatch.inDirectory("web", "*.js").matches("other/a.js")).isFalse();
    }

    @Test
    void aHostilePatternCostsTimeLinearInThePath() {
        // As a regular expression, twelve "**/" against a path 31 directories deep ran for over 20 s;
        // here it is steps times characters. The bound only catches a hang, it measures nothing.
        String hostile = "**/".repeat(12) + "z";
        String deep = "a/".repeat(2_000) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(matches(hostile, deep)).isFalse();
            assertThat(matches(hostile, deep + "/z")).isTrue();
            assertThat(matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(4_000))).isFalse();
        });
        assertThatThrownBy(() -> Wildmatch.inDirectory("", "*".repeat(Wildmatch.MAX_PATTERN_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

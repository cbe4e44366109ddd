package dev.reporag.core.policy;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SourceFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileFilterTest {
    private final FileFilter filter = FileFilter.defaults();

    private static SourceFile file(String path, long size) {
        return SourceFile.regular(path, size, "blob");
    }

    private Optional<SkipReason> reason(String path) {
        return filter.checkPath(file(path, 100)).map(SkippedFile::reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/Main.java", "README.md", "app/models/user.rb", "pkg/server.go",
            "web/src/App.tsx", "requirements.txt", "Dockerfile", "sub/dir/README.md", "src/envelope.js",
            "lib/keyboard.py", "src/build_info.rs",
            // packages named like excluded folders, inside JVM source trees
            "src/main/java/dev/reporag/docs/DocsCheckTest.java", "app/src/main/kotlin/org/x/build/BuildInfo.kt",
            "src/test/scala/a/target/Aim.scala", "lib/src/main/groovy/out/Printer.groovy"})
    void keepsCode(String path) {
        assertThat(reason(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {".env", "config/.env", ".env.production", "prod.env", "certs/server.pem",
            "deploy/tls.key", "home/.ssh/id_rsa", "id_ed25519", "keystore.jks", ".npmrc", "a/b/credentials.json",
            "infra/terraform.tfstate"})
    void skipsSecretsWithoutReadingThem(String path) {
        assertThat(reason(path)).contains(SkipReason.SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs/guide.md", "modules/x/docs/api.md", "doc/intro.rst", "logo.png", "img/a.JPG.png",
            "lib/a.jar", "dist/app.js", "node_modules/react/index.js", "frontend/node_modules/x/y.js",
            "vendor/github.com/pkg/errors/errors.go", "static/app.min.js", "package-lock.json", "yarn.lock",
            "Cargo.lock", "go.sum", "build/generated/X.java", "target/classes/A.class", "archive.tar.gz",
            "fonts/x.woff2", "LICENSE", "CHANGELOG.md",
            // build output and docs beside a source tree, not inside it
            "core/build/generated/src/main/java/A.java", "module/target/generated-sources/B.java",
            "docs/src/main/java/Example.java", "src/main/docs/guide.md"})
    void skipsNonCodePaths(String path) {
        assertThat(reason(path)).contains(SkipReason.EXCLUDED_PATH);
    }

    @Test
    void skipsBySizeFromMetadataAlone() {
        assertThat(filter.checkPath(file("big.java", 50 * 1024 + 1))).get()
                .extracting(SkippedFile::reason).isEqualTo(SkipReason.TOO_LARGE);
        assertThat(filter.checkPath(file("ok.java", 50 * 1024))).isEmpty();
        assertThat(filter.checkPath(file("empty.java", 0))).get()
                .extracting(SkippedFile::reason).isEqualTo(SkipReason.EMPTY);
    }

    @Test
    void skipsSymlinksAndSubmodules() {
        assertThat(filter.checkPath(new SourceFile("link", 11, "b", null, FileKind.SYMLINK))).get()
                .extracting(SkippedFile::reason).isEqualTo(SkipReason.SYMLINK);
        assertThat(filter.checkPath(new SourceFile("lib/sub", 0, "b", null, FileKind.SUBMODULE))).get()
                .extracting(SkippedFile::reason).isEqualTo(SkipReason.SUBMODULE);
    }

    @Test
    void configurableExcludesAndIncludesButSecretsStayOut() {
        FileFilter custom = FileFilter.withExtraExcludes(1000, List.of("generated/**", "*.sql"),
                List.of("docs/**", "**/*.env"));
        assertThat(custom.checkPath(file("generated/A.java", 10))).get().extracting(SkippedFile::reason)
                .isEqualTo(SkipReason.EXCLUDED_PATH);
        assertThat(custom.checkPath(file("db/schema.sql", 10))).isPresent();
        assertThat(custom.checkPath(file("docs/guide.md", 10))).isEmpty();
        assertThat(custom.checkPath(file("x.env", 10))).get().extracting(SkippedFile::reason)
                .isEqualTo(SkipReason.SECRET);
        assertThat(custom.checkPath(file("A.java", 1001))).get().extracting(SkippedFile::reason)
                .isEqualTo(SkipReason.TOO_LARGE);
    }

    @Test
    void sniffsBinaryLfsAndEncoding() {
        SourceFile f = file("x.java", 10);
        assertThat(filter.decode(f, new byte[]{'a', 0, 'b'}).skipped().reason()).isEqualTo(SkipReason.BINARY);
        byte[] lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(filter.decode(f, lfs).skipped().reason()).isEqualTo(SkipReason.LFS_POINTER);
        assertThat(filter.decode(f, new byte[]{'a', (byte) 0xC3, (byte) 0x28}).skipped().reason())
                .isEqualTo(SkipReason.UNREADABLE);
        assertThat(filter.decode(f, " \n\t\n".getBytes(StandardCharsets.UTF_8)).skipped().reason())
                .isEqualTo(SkipReason.EMPTY);
        assertThat(filter.decode(f, "\uFEFFclass A {}".getBytes(StandardCharsets.UTF_8)).text())
                .isEqualTo("class A {}");
        assertThat(filter.decode(f, "naïve 日本".getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("naïve 日本");
    }

    @Test
    void onlyValidUtf8IsText() {
        SourceFile f = file("x.txt", 10);
        // A real U+FFFD in valid text stays text; the decoder's stand-in for a bad byte does not.
        assertThat(filter.decode(f, "bad byte: \uFFFD\n".getBytes(StandardCharsets.UTF_8)).text())
                .isEqualTo("bad byte: \uFFFD\n");
        byte[][] malformed = {
                {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
                {'a', (byte) 0xC0, (byte) 0xAF}, // an overlong '/'
                {'a', (byte) 0xE6, (byte) 0x97}, // cut off at the end
                {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD, 'a', (byte) 0xFF}, // a real U+FFFD, then a bad byte
        };
        for (byte[] content : malformed) {
            assertThat(filter.decode(f, content).skipped().reason()).isEqualTo(SkipReason.UNREADABLE);
        }
    }

    @Test
    void aNulPastTheSniffedStartIsStillBinary() {
        byte[] content = new byte[9_000];
        java.util.Arrays.fill(content, (byte) 'a');
        content[8_500] = 0;
        assertThat(filter.decode(file("x.py", content.length), content).skipped().reason())
                .isEqualTo(SkipReason.BINARY);
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> new FileFilter(0, List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileFilter(10, List.of("{a,b"), List.of()))
                .hasMessageContaining("unbalanced");
    }
}

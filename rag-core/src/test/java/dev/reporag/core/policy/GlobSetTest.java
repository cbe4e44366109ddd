package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast matcher agrees with matching each glob on its own, for every default glob. */
class GlobSetTest {
    private static final List<String> SEGMENTS = List.of("src", "docs", "doc", "node_modules", "vendor", "build",
            "target", "a.jar", "lib", ".git", "README.md", "App.java", "app.min.js", "x.min.css", "logo.png",
            "LICENSE", "LICENSE.txt", "CHANGELOG.md", ".env", ".env.local", "prod.env", "prod.env.local", "id_rsa",
            "id_rsa.pub", "server.pem", "tls.key", "keyboard.py", "yarn.lock", "go.sum", "package-lock.json",
            "credentials", "credentials.json", "my_pb2.py", "api.pb.go", "docsite", "mydocs", "Dockerfile", "x");

    private static List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (String a : SEGMENTS) {
            paths.add(a);
            for (String b : SEGMENTS) {
                paths.add(a + "/" + b);
                paths.add("deep/" + a + "/" + b);
            }
        }
        return paths;
    }

    private static void assertAgrees(List<String> globs, List<String> paths) {
        GlobSet set = new GlobSet(globs);
        List<Glob> each = globs.stream().map(Glob::new).toList();
        for (String path : paths) {
            boolean expected = each.stream().anyMatch(g -> g.matches(path));
            assertThat(set.matches(path)).as("%s", path).isEqualTo(expected);
        }
    }

    @Test
    void agreesOnTheDefaultExcludesAndSecrets() {
        List<String> paths = paths();
        assertAgrees(FileFilter.DEFAULT_EXCLUDE_GLOBS, paths);
        assertAgrees(FileFilter.SECRET_GLOBS, paths);
    }

    @Test
    void agreesInsideAndAroundJvmSourceTrees() {
        List<String> paths = new ArrayList<>();
        for (String root : List.of("", "src/main/java/", "app/src/test/kotlin/", "src/main/", "src/x/scala/y/",
                "docs/src/main/java/", "src/main/groovy/build/", "java/")) {
            for (String rest : List.of("docs/A.java", "com/acme/build/B.kt", "target/C.java", "x/out/D.scala",
                    "java/E.java", "src/F.java", "docs", "README.md")) {
                paths.add(root + rest);
            }
        }
        assertAgrees(FileFilter.DEFAULT_EXCLUDE_GLOBS, paths);
        assertAgrees(List.of("java/**", "src/**", "main/**", "com/**"), paths);
    }

    @Test
    void agreesOnGeneralPatterns() {
        assertAgrees(List.of("src/gen/**", "**/test/*.java", "*.{png,jpg}", "file?.txt", "/build/**", "a*b",
                "*_pb2.py"), List.of("src/gen/A.java", "x/src/gen/A.java", "a/test/X.java", "test/X.java",
                "img/a.jpg", "file1.txt", "build/x", "x/build/y", "aXb", "dir/aXXb", "my_pb2.py"));
    }
}

package dev.reporag.core.policy;

import dev.reporag.core.model.Languages;

import java.util.Set;
import java.util.regex.Pattern;

/** What a path says about a file: test code, or hand-written source in a programming language. */
public final class CodePaths {
    /** Test code by the common layouts: a test directory, or a test file's name. */
    private static final Pattern TEST_PATH = Pattern.compile("(?:^|/)(?:test|tests|__tests__|spec|specs|testdata"
            + "|fixtures|e2e)/|(?:Test|Tests|IT|Spec)\\.\\w+$|(?:^|/)test_[^/]*$|(?:^|/)conftest\\.py$"
            + "|_test\\.\\w+$|\\.(?:test|spec|test-d)\\.\\w+$");
    /** Languages whose files are programs (not markup, data, or configuration). */
    private static final Set<String> PROGRAMMING = Set.of("java", "kotlin", "scala", "groovy", "python", "ruby",
            "go", "rust", "javascript", "typescript", "c", "cpp", "csharp", "php", "swift", "objc", "shell", "dart",
            "lua", "r", "elixir", "erlang", "haskell", "clojure", "vue", "perl", "tcl", "powershell", "zig", "julia",
            "ocaml", "fsharp", "nim", "svelte");
    /** Build scripts written in a programming language. */
    private static final Pattern BUILD_SCRIPT = Pattern.compile("(?:^|/)(?:[^/]*\\.gradle(?:\\.kts)?|setup\\.py"
            + "|noxfile\\.py|Rakefile|Gruntfile\\.js|Gulpfile\\.js|gulpfile\\.js|[^/]*\\.config\\.[cm]?[jt]s)$");

    private CodePaths() {
    }

    public static boolean isTest(String path) {
        return TEST_PATH.matcher(path).find();
    }

    /** A program's own source file: a programming language, not a build script, not test code. */
    public static boolean isMainSource(String path) {
        return PROGRAMMING.contains(Languages.ofPath(path)) && !BUILD_SCRIPT.matcher(path).find() && !isTest(path);
    }
}

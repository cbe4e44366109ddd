package dev.reporag.core.model;

import java.util.Locale;
import java.util.Map;

/** Short language names from file extensions, for chunk metadata and prompts. */
public final class Languages {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("java", "java"), Map.entry("kt", "kotlin"), Map.entry("kts", "kotlin"),
            Map.entry("scala", "scala"), Map.entry("groovy", "groovy"), Map.entry("gradle", "groovy"),
            Map.entry("py", "python"), Map.entry("rb", "ruby"), Map.entry("go", "go"), Map.entry("rs", "rust"),
            Map.entry("js", "javascript"), Map.entry("mjs", "javascript"), Map.entry("cjs", "javascript"),
            Map.entry("jsx", "javascript"), Map.entry("ts", "typescript"), Map.entry("tsx", "typescript"),
            Map.entry("c", "c"), Map.entry("h", "c"), Map.entry("cc", "cpp"), Map.entry("cpp", "cpp"),
            Map.entry("hpp", "cpp"), Map.entry("cs", "csharp"), Map.entry("php", "php"), Map.entry("swift", "swift"),
            Map.entry("m", "objc"), Map.entry("sh", "shell"), Map.entry("bash", "shell"), Map.entry("sql", "sql"),
            Map.entry("html", "html"), Map.entry("css", "css"), Map.entry("scss", "css"), Map.entry("vue", "vue"),
            Map.entry("xml", "xml"), Map.entry("json", "json"), Map.entry("yaml", "yaml"), Map.entry("yml", "yaml"),
            Map.entry("toml", "toml"), Map.entry("properties", "properties"), Map.entry("md", "markdown"),
            Map.entry("dart", "dart"), Map.entry("lua", "lua"), Map.entry("r", "r"), Map.entry("ex", "elixir"),
            Map.entry("exs", "elixir"), Map.entry("erl", "erlang"), Map.entry("hs", "haskell"),
            Map.entry("clj", "clojure"), Map.entry("tf", "terraform"), Map.entry("proto", "protobuf"),
            // seen as "text" in git/git (gitweb.perl, git-send-email.perl, perl/Git/SVN.pm) and C++ projects
            Map.entry("pl", "perl"), Map.entry("pm", "perl"), Map.entry("perl", "perl"), Map.entry("tcl", "tcl"),
            Map.entry("cxx", "cpp"), Map.entry("hh", "cpp"), Map.entry("hxx", "cpp"), Map.entry("mm", "objc"),
            Map.entry("cljs", "clojure"), Map.entry("cljc", "clojure"), Map.entry("rake", "ruby"),
            Map.entry("ps1", "powershell"), Map.entry("zig", "zig"), Map.entry("jl", "julia"),
            Map.entry("ml", "ocaml"), Map.entry("mli", "ocaml"), Map.entry("fs", "fsharp"), Map.entry("fsx", "fsharp"),
            Map.entry("nim", "nim"), Map.entry("svelte", "svelte"));

    private Languages() {
    }

    /** The short name of a language given by name ("Python", "R"), or null when it is none of ours. */
    public static String named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return BY_EXTENSION.containsValue(lower) ? lower : null;
    }

    public static String ofPath(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.equals("Dockerfile")) {
            return "dockerfile";
        }
        if (name.equals("Makefile")) {
            return "make";
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return "text";
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "text");
    }
}

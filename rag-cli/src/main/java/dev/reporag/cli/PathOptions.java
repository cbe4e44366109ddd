package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import picocli.CommandLine.Option;

import java.util.List;

/** A project's own file rules, as {@code --include} and {@code --exclude} give them; null when not given. */
final class PathOptions {
    @Option(names = "--include", split = RepoRag.GLOB_LIST_SEPARATOR, paramLabel = "GLOB",
            description = "Also index these files, although a default rule leaves them out (docs/**, *.rst);"
                    + " repeatable or comma-separated (a comma inside {a,b} is the glob's). The project keeps them:"
                    + " given again, the list replaces its own (--include= clears it), and the next index applies it."
                    + " Secrets stay out.")
    List<String> include;
    @Option(names = "--exclude", split = RepoRag.GLOB_LIST_SEPARATOR, paramLabel = "GLOB",
            description = "Leave these files out too (examples/**); kept by the project as --include is.")
    List<String> exclude;
}

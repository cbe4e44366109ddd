package dev.reporag.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The repository a command registers: its source, name and ref. */
final class RepoOptions {
    @Parameters(paramLabel = "REPO", description = "A repository URL, or a path on this machine.")
    String repo;
    @Option(names = "--name", description = "Project name (default: from the URL or directory).")
    String name;
    @Option(names = "--ref", description = "Branch, tag or commit (default: the default branch).")
    String ref;

    /** The source as stored: local paths made absolute. */
    String source() {
        return Foreground.normalize(repo);
    }

    /** Paths given on the user's own command line are allowed, whatever RAG_ALLOW_LOCAL_SOURCES says. */
    static Config allowingLocal(Config config, String source) {
        return Foreground.isLocal(source) ? config.withAllowLocalSources(true) : config;
    }
}

package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Project;
import dev.reporag.core.policy.SourceKind;
import dev.reporag.core.port.ConflictException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** The repository a command registers: its source, name and ref. */
final class RepoOptions {
    @Parameters(paramLabel = "REPO", description = "A repository URL, or a path on this machine.")
    String repo;
    @Option(names = "--name", description = "Project name (default: from the URL or directory).")
    String name;
    @Option(names = "--ref", description = "Branch, tag or commit (default: the default branch).")
    String ref;
    @Mixin
    PathOptions paths;

    /** The project of these options, by the core's one registration rule ({@link RepoRag#registerOrFind}). */
    Project registerOrFind(RepoRag rag) {
        return registerOrFind(rag, repo, name, ref, paths.include, paths.exclude);
    }

    static Project registerOrFind(RepoRag rag, String repo, String name, String ref) {
        return registerOrFind(rag, repo, name, ref, null, null);
    }

    private static Project registerOrFind(RepoRag rag, String repo, String name, String ref, List<String> include,
                                          List<String> exclude) {
        try {
            return rag.registerOrFind(name, repo, ref, include, exclude).project();
        } catch (ConflictException e) {
            if (name == null) {
                // The name came from the source: say how to give one, as the CLI spells it.
                throw new ConflictException(e.getMessage() + "; choose another name with --name");
            }
            throw e;
        }
    }

    /** Paths given on the user's own command line are allowed, whatever RAG_ALLOW_LOCAL_SOURCES says. */
    static Config allowingLocal(Config config, String source) {
        return SourceKind.of(source).onThisMachine() ? config.withAllowLocalSources(true) : config;
    }
}

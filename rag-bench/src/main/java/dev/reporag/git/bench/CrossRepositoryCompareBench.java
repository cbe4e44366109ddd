package dev.reporag.git.bench;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.Snapshot;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a new project's first job pays to compare its snapshot with another repository's indexed
 * commit ({@code Snapshot.changesSince(commit, source)}): each repository given is cloned into one
 * cache through {@link JGitRepositorySource}, then every snapshot is compared with every other's
 * commit, twice. Run it in a fresh client-compiler JVM ({@code -XX:TieredStopAtLevel=1}), as a
 * one-shot `rag ingest` runs.
 *
 * <p>Arguments: a cache directory (emptied by the caller), then Git directories.
 */
public final class CrossRepositoryCompareBench {
    private CrossRepositoryCompareBench() {
    }

    public static void main(String[] args) throws Exception {
        JGitRepositorySource source = new JGitRepositorySource(
                GitSourceSettings.defaults(Path.of(args[0])).withAllowLocalSources(true));
        Map<String, String> commits = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            try (Snapshot snapshot = source.open(project(args[i]))) {
                commits.put(args[i], snapshot.commit());
            }
        }
        for (String repository : commits.keySet()) {
            try (Snapshot snapshot = source.open(project(repository))) {
                for (Map.Entry<String, String> other : commits.entrySet()) {
                    if (other.getKey().equals(repository)) {
                        continue;
                    }
                    for (int round = 1; round <= 2; round++) {
                        long start = System.nanoTime();
                        Optional<ChangeSet> changes = snapshot.changesSince(other.getValue(), other.getKey());
                        System.out.printf(Locale.ROOT, "%s against %s, round %d: %.0f ms, %s%n", name(repository),
                                name(other.getKey()), round, (System.nanoTime() - start) / 1e6,
                                changes.map(c -> c.changed().size() + " paths changed, " + c.deleted().size()
                                        + " deleted").orElse("not comparable"));
                    }
                }
            }
        }
    }

    private static Project project(String repository) {
        return new Project(ProjectId.random(), name(repository), repository, null, Instant.now());
    }

    /** {@code netty+netty} of {@code /work/.mirror/netty+netty/repo}. */
    private static String name(String repository) {
        Path path = Path.of(repository);
        return path.getFileName().toString().equals("repo") ? path.getParent().getFileName().toString()
                : path.getFileName().toString();
    }
}

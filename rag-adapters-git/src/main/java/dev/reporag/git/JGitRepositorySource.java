package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.util.FS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * A {@link RepositorySource} backed by JGit: shallow, single-ref clones in a cache directory,
 * fetched into on later opens, with files streamed from the object database. Sources are checked
 * by {@link SourceUrlPolicy} before anything is fetched. See docs/git-source.md.
 */
public final class JGitRepositorySource implements RepositorySource {
    private static final Logger log = LoggerFactory.getLogger(JGitRepositorySource.class);

    /** The deepest history {@link #openWithHistory} fetches. */
    public static final int MAX_HISTORY_DEPTH = 5_000;

    private final GitSourceSettings settings;
    private final SourceUrlPolicy policy;
    private final CloneCache cache;

    public JGitRepositorySource(GitSourceSettings settings) {
        this(settings, HostResolver.SYSTEM);
    }

    static {
        // JGit times the file system's timestamp resolution the first time it writes to a file store,
        // about 3 s, and waits for it unless told otherwise; it caches the figure in the user's
        // config ($XDG_CONFIG_HOME/jgit), which a fresh container or a read-only home lacks, so every
        // such process's first clone waited 3 s. Measured in the background, the clone meanwhile
        // assumes the coarse fallback resolution: files it just wrote are re-read when checked.
        // A process-wide JGit setting, made once.
        FS.FileStoreAttributes.setBackground(true);
    }

    JGitRepositorySource(GitSourceSettings settings, HostResolver resolver) {
        this.settings = settings;
        this.policy = new SourceUrlPolicy(settings.allowLocalSources(), settings.allowedHosts(), resolver);
        this.cache = new CloneCache(settings, policy);
        // Whoever turned this on knows why (a CLI user's own path, or a server's RAG_ALLOW_LOCAL_SOURCES,
        // which the composition root warns about): no warning here, where the reason is unknown.
        log.debug("local sources are {}", settings.allowLocalSources() ? "allowed" : "refused");
    }

    @Override
    public Snapshot open(Project project) {
        return open(project, FetchMonitor.NONE);
    }

    /**
     * Reports the clone's or fetch's progress to {@code monitor} (JGit's tasks, e.g. "Receiving
     * objects", a few times a second at most) and stops it, with a {@link SourceException}, when
     * the monitor says cancelled.
     */
    @Override
    public Snapshot open(Project project, FetchMonitor monitor) {
        SourceLocation location = policy.check(project.source());
        CloneCache.Fetched fetched = cache.update(location, project.ref(), monitor);
        return new GitSnapshot(fetched.repository(), fetched.commit(), settings.maxFileBytes(), cache::cloneOf);
    }

    /**
     * Deepens the shallow clone to {@code depth} commits of the ref's history (at most
     * {@link #MAX_HISTORY_DEPTH}); the same limits of time and size apply as to any fetch.
     */
    @Override
    public Snapshot openWithHistory(Project project, int depth, FetchMonitor monitor) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be positive: " + depth);
        }
        SourceLocation location = policy.check(project.source());
        CloneCache.Fetched fetched = cache.update(location, project.ref(), Math.min(depth, MAX_HISTORY_DEPTH), monitor);
        return new GitSnapshot(fetched.repository(), fetched.commit(), settings.maxFileBytes(), cache::cloneOf);
    }

    /**
     * An {@code ls-remote}: only the remote's ref list is read, nothing is fetched or cached. A ref
     * that is a full commit id is returned as it is, without asking.
     */
    @Override
    public String remoteHead(String source, String ref) {
        return cache.remoteHead(policy.check(source), ref == null || ref.isBlank() ? null : ref.strip());
    }

    /** One {@code ls-remote}: the first candidate that is a branch or tag of the remote. */
    @Override
    public Optional<String> firstExistingRef(String source, List<String> candidates) {
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return cache.firstExistingRef(policy.check(source), candidates);
    }

    /** Checks form, scheme, host and resolved addresses; a host that does not resolve now passes. */
    @Override
    public void validate(String source) throws SourceException {
        policy.checkWithoutRequiringDns(source);
    }
}

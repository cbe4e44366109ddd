package dev.reporag.git;

import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.SubmoduleConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Bare, shallow clones under the cache directory, one per repository URL
 * ({@code <cacheDir>/<hash of the URL>}). A first clone is made in a temporary directory and moved
 * into place, so a failed clone leaves nothing behind; later opens fetch into the clone. An
 * in-process lock and a file lock ({@code <hash>.lock}, across processes) serialise updates of one
 * repository. Garbage collection is off in the clones, so earlier commits stay readable for
 * {@link GitSnapshot#changesSince}. The caller's {@link FetchMonitor} hears the fetch's progress
 * and can stop it, and a wait for the locks; a stopped first clone leaves nothing behind either.
 */
final class CloneCache {
    private static final Logger log = LoggerFactory.getLogger(CloneCache.class);
    /** The clone's own config: {@code rag.deepened} notes a fetch deeper than the tip. */
    private static final String CONFIG_SECTION = "rag";
    private static final String DEEPENED = "deepened";
    private static final String OWN_REFS = "refs/reporag/";
    /** The longest a registration waits for a remote's ref list (a page's ref holding '/'). */
    static final Duration REF_LIST_TIMEOUT = Duration.ofSeconds(20);

    /** A repository brought up to date and the commit the ref resolved to; the caller closes it. */
    record Fetched(Repository repository, RevCommit commit) {
    }

    private record Target(String remoteRef, String localRef) {
    }

    private final GitSourceSettings settings;
    private final SourceUrlPolicy policy;
    private final HostCredentialsProvider credentials;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    CloneCache(GitSourceSettings settings, SourceUrlPolicy policy) {
        this.settings = settings;
        this.policy = policy;
        this.credentials = new HostCredentialsProvider(settings.credentials());
    }

    /**
     * The clone kept of a source as a project stores it, if one was made: read as it is, nothing
     * fetched, no source check (it was checked when the clone was made).
     */
    Optional<Path> cloneOf(String source) {
        Path dir = settings.cacheDir().resolve(SourceLocation.cacheKeyOf(source));
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    Fetched update(SourceLocation location, String ref, FetchMonitor monitor) {
        return update(location, ref, 1, monitor);
    }

    /** Brings the ref up to date with {@code depth} commits of its history (1 for its tree only). */
    Fetched update(SourceLocation location, String ref, int depth, FetchMonitor monitor) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        Path root = settings.cacheDir();
        String key = location.cacheKey();
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lockInProcess(lock, deadline, location, monitor);
        try {
            Files.createDirectories(root);
            try (FileChannel channel = FileChannel.open(root.resolve(key + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock fileLock = lockFile(channel, deadline, location, monitor);
                try {
                    return updateLocked(root, key, location, ref, depth, deadline, monitor);
                } finally {
                    fileLock.release();
                }
            }
        } catch (IOException e) {
            throw new SourceException("the cache directory " + root + " is not usable: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private Fetched updateLocked(Path root, String key, SourceLocation location, String ref, int depth, long deadline,
                                 FetchMonitor monitor) throws IOException {
        Path dir = root.resolve(key);
        if (Files.isDirectory(dir)) {
            Repository repository = openExisting(dir);
            if (repository != null && location instanceof SourceLocation.Local && isDeepened(repository)) {
                // JGit's in-process upload-pack, which serves a local repository, breaks off the
                // negotiation with a clone that was deepened ("Expected ACK/NAK, got: shallow …",
                // printing its stack trace on stderr), and a deepening it broke off can leave the
                // clone claiming history it lacks ("Missing commit" at every later fetch): after a
                // `rag eval`, a local repository is cloned again, which is cheap.
                repository.close();
                deleteRecursively(dir);
                return cloneInto(root, dir, key, location, ref, depth, deadline, monitor);
            }
            if (repository != null) {
                try {
                    ObjectId commit = fetch(repository, location, ref, depth, deadline, monitor);
                    return new Fetched(repository, parseCommit(repository, commit, location, ref));
                } catch (RuntimeException e) {
                    repository.close();
                    throw e;
                }
            }
            log.warn("the cache of {} is not a usable repository; cloning it again", location.display());
            deleteRecursively(dir);
        }
        return cloneInto(root, dir, key, location, ref, depth, deadline, monitor);
    }

    private Fetched cloneInto(Path root, Path dir, String key, SourceLocation location, String ref, int depth,
                              long deadline, FetchMonitor monitor) throws IOException {
        removeLeftovers(root, key);
        Path temporary = Files.createTempDirectory(root, "." + key + "-");
        ObjectId commit;
        try {
            try (Git git = Git.init().setBare(true).setDirectory(temporary.toFile()).call()) {
                StoredConfig config = git.getRepository().getConfig();
                // Never collect: earlier commits stay readable for changesSince, and no background
                // collection runs while the clone is being moved into place.
                config.setInt("gc", null, "auto", 0);
                config.setInt("gc", null, "autoPackLimit", 0);
                config.setBoolean("gc", null, "autoDetach", false);
                config.setBoolean("core", null, "logAllRefUpdates", false);
                config.save();
                commit = fetch(git.getRepository(), location, ref, depth, deadline, monitor);
            } catch (GitAPIException e) {
                throw new SourceException("could not create a repository in " + root + ": " + e.getMessage(), e);
            }
            Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Also a cancelled clone: the next open starts again from nothing.
            deleteRecursively(temporary);
            throw e;
        }
        Repository repository = openExisting(dir);
        if (repository == null) {
            throw new SourceException("the new clone of " + location.display() + " could not be opened");
        }
        try {
            return new Fetched(repository, parseCommit(repository, commit, location, ref));
        } catch (RuntimeException e) {
            repository.close();
            throw e;
        }
    }

    /**
     * The commit the ref points to on the remote, from an {@code ls-remote} alone (nothing is
     * fetched, no lock is taken): under the same address checks, credentials and time limit as a
     * fetch. An annotated tag is given as the commit it names, when the remote says it.
     */
    String remoteHead(SourceLocation location, String ref) {
        if (ref != null && ObjectId.isId(ref.toLowerCase(Locale.ROOT))) {
            return ref.toLowerCase(Locale.ROOT);
        }
        Map<String, Ref> advertised = advertisedRefs(location, ref, settings.timeout());
        Target target = target(advertised, ref, location);
        Ref found = advertised.get(target.remoteRef());
        if (found == null || found.getObjectId() == null) {
            throw new SourceException("could not read " + describe(ref) + " of " + location.display());
        }
        ObjectId id = found.getPeeledObjectId() != null ? found.getPeeledObjectId() : found.getObjectId();
        return id.name();
    }

    /**
     * The first candidate the remote advertises as a branch or tag, from one {@code ls-remote}
     * (nothing fetched, no lock taken), under the same checks as a fetch and at most
     * {@link #REF_LIST_TIMEOUT}: a person registering a project waits for it.
     */
    Optional<String> firstExistingRef(SourceLocation location, List<String> candidates) {
        Map<String, Ref> advertised = advertisedRefs(location, null,
                settings.timeout().compareTo(REF_LIST_TIMEOUT) < 0 ? settings.timeout() : REF_LIST_TIMEOUT);
        return candidates.stream()
                .filter(name -> advertised.containsKey(Constants.R_HEADS + name)
                        || advertised.containsKey(Constants.R_TAGS + name))
                .findFirst();
    }

    /** Every ref the remote advertises, from an {@code ls-remote} that takes at most {@code timeout}. */
    private Map<String, Ref> advertisedRefs(SourceLocation location, String ref, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return Git.lsRemoteRepository().setRemote(location.transportUrl()).setHeads(false).setTags(false)
                    .setCredentialsProvider(credentials).setTimeout(seconds(deadline))
                    .setTransportConfigCallback(this::configure).callAsMap();
        } catch (GitAPIException | JGitInternalException e) {
            throw GitErrors.fetchFailed(e, context(location, ref, BoundedMonitor.Stop.NONE));
        }
    }

    /**
     * Resolves the ref against what the remote advertises, then fetches that one ref at {@code depth}
     * (1 for an ingestion; more deepens a shallow clone, for history). A branch named plainly is
     * fetched at once ({@link #fetchBranchAtOnce}).
     */
    private ObjectId fetch(Repository repository, SourceLocation location, String ref, int depth, long deadline,
                           FetchMonitor fetchMonitor) {
        long started = System.nanoTime();
        String url = location.transportUrl();
        if (location instanceof SourceLocation.Local local) {
            LocalSourceCheck.checkIsRepository(local);
        }
        Git git = Git.wrap(repository);
        if (depth == 1 && isPlainBranchName(ref)
                && !(location instanceof SourceLocation.Local local && LocalSourceCheck.mayLackObjects(local))) {
            ObjectId id = fetchBranchAtOnce(git, location, ref, deadline, fetchMonitor);
            if (id != null) {
                log.info("fetched {} of {} in {} ms", describe(ref), location.display(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return id;
            }
        }
        Map<String, Ref> advertised;
        // ls-remote takes no progress monitor, so it cannot be cancelled: it exchanges only the
        // ref list, which is short, and it is bounded by the timeout like the rest.
        try {
            advertised = git.lsRemote().setRemote(url).setCredentialsProvider(credentials)
                    .setTimeout(seconds(deadline)).setTransportConfigCallback(this::configure).callAsMap();
        } catch (GitAPIException | JGitInternalException e) {
            throw GitErrors.fetchFailed(e, context(location, ref, BoundedMonitor.Stop.NONE));
        }
        Target target = target(advertised, ref, location);
        if (fetchMonitor.isCancelled()) {
            throw cancelled(location);
        }
        ObjectId tip = advertisedCommit(advertised, target);
        if (location instanceof SourceLocation.Local local && tip != null) {
            LocalSourceCheck.check(local, tip, ref, depth);
        }
        BoundedMonitor monitor = new BoundedMonitor(remaining(deadline), repository.getDirectory().toPath(),
                settings.maxRepositoryBytes(), fetchMonitor);
        if (depth > 1) {
            markDeepened(repository); // before: a deepening that fails half-way leaves the clone as one
        }
        try {
            fetchTarget(git, url, target, depth, deadline, monitor);
        } catch (GitAPIException | JGitInternalException e) {
            if (location instanceof SourceLocation.Local local && tip != null && GitErrors.uploadPackFailed(e)) {
                SourceException damaged = LocalSourceCheck.damaged(local, tip, ref, depth);
                if (damaged != null) {
                    throw damaged;
                }
            }
            throw GitErrors.fetchFailed(e, context(location, ref, monitor.stop()));
        }
        stopAsTheMonitorSays(monitor, location, ref);
        try {
            Ref fetched = repository.exactRef(target.localRef());
            ObjectId id = fetched == null ? null : fetched.getObjectId();
            if (id == null && ObjectId.isId(target.remoteRef())) {
                // JGit fetches a commit named by id but does not write the destination ref: keep it reachable.
                id = ObjectId.fromString(target.remoteRef());
                if (!repository.getObjectDatabase().has(id)) {
                    throw new SourceException("the commit '" + ref + "' is not available from " + location.display());
                }
                RefUpdate update = repository.updateRef(target.localRef());
                update.setNewObjectId(id);
                update.setForceUpdate(true);
                update.update();
            }
            if (id == null) {
                throw new SourceException("could not fetch " + describe(ref) + " of " + location.display());
            }
            log.info("fetched {} of {} in {} ms", describe(ref), location.display(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return id;
        } catch (IOException e) {
            throw new SourceException("could not read the fetched ref of " + location.display() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Fetches {@code refs/heads/<ref>} without listing the remote's refs first: the fetch reads them
     * itself, so a listing before it costs a round trip more (with a forge, an HTTPS request and its
     * handshake). Null when that fetch fails for another reason than a cancellation or the size
     * limit (the remote has no such branch, a tag of that name, say; the address or credentials
     * are wrong): the listing's way then resolves the ref and says what is wrong, as it always did.
     */
    private ObjectId fetchBranchAtOnce(Git git, SourceLocation location, String ref, long deadline,
                                       FetchMonitor fetchMonitor) {
        Repository repository = git.getRepository();
        Target branch = new Target(Constants.R_HEADS + ref, OWN_REFS + "heads/" + ref);
        BoundedMonitor monitor = new BoundedMonitor(remaining(deadline), repository.getDirectory().toPath(),
                settings.maxRepositoryBytes(), fetchMonitor);
        try {
            fetchTarget(git, location.transportUrl(), branch, 1, deadline, monitor);
        } catch (GitAPIException | JGitInternalException e) {
            if (monitor.stop() != BoundedMonitor.Stop.NONE) {
                throw GitErrors.fetchFailed(e, context(location, ref, monitor.stop())); // out of time, too big, cancelled
            }
            if (fetchMonitor.isCancelled()) {
                throw cancelled(location);
            }
            log.debug("fetching branch '{}' of {} at once failed ({}); its refs are listed first", ref,
                    location.display(), e.toString());
            return null;
        }
        stopAsTheMonitorSays(monitor, location, ref);
        try {
            Ref fetched = repository.exactRef(branch.localRef());
            return fetched == null ? null : fetched.getObjectId();
        } catch (IOException e) {
            throw new SourceException("could not read the fetched ref of " + location.display() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A ref that can only name a branch or a tag (not a full ref name, not a commit id, not the default branch). */
    static boolean isPlainBranchName(String ref) {
        return ref != null && !ref.startsWith(Constants.R_REFS) && !ObjectId.isId(ref.toLowerCase(Locale.ROOT))
                && Repository.isValidRefName(Constants.R_HEADS + ref);
    }

    private void fetchTarget(Git git, String url, Target target, int depth, long deadline, BoundedMonitor monitor)
            throws GitAPIException {
        git.fetch().setRemote(url).setRefSpecs(new RefSpec("+" + target.remoteRef() + ":" + target.localRef()))
                .setDepth(depth).setTagOpt(TagOpt.NO_TAGS).setRemoveDeletedRefs(false)
                .setRecurseSubmodules(SubmoduleConfig.FetchRecurseSubmodulesMode.NO)
                .setCredentialsProvider(credentials).setTimeout(seconds(deadline)).setProgressMonitor(monitor)
                .setTransportConfigCallback(this::configure).call();
    }

    /** After a fetch: over the size limit, or cancelled (JGit saw it late and finished anyway), it stops as asked. */
    private void stopAsTheMonitorSays(BoundedMonitor monitor, SourceLocation location, String ref) {
        monitor.checkAfterwards();
        if (monitor.stop() == BoundedMonitor.Stop.TOO_BIG) {
            throw GitErrors.tooBig(context(location, ref, monitor.stop()));
        }
        if (monitor.stop() == BoundedMonitor.Stop.CANCELLED) {
            throw cancelled(location); // a first clone is removed
        }
    }

    /** The commit (or tag) the target names: advertised, or given by id. */
    private static ObjectId advertisedCommit(Map<String, Ref> advertised, Target target) {
        Ref tip = advertised.get(target.remoteRef());
        if (tip != null) {
            return tip.getPeeledObjectId() != null ? tip.getPeeledObjectId() : tip.getObjectId();
        }
        return ObjectId.isId(target.remoteRef()) ? ObjectId.fromString(target.remoteRef()) : null;
    }

    /** Whether a fetch deeper than the tip (for history) was started in the clone. */
    private static boolean isDeepened(Repository repository) {
        return repository.getConfig().getBoolean(CONFIG_SECTION, null, DEEPENED, false);
    }

    private static void markDeepened(Repository repository) {
        try {
            StoredConfig config = repository.getConfig();
            config.setBoolean(CONFIG_SECTION, null, DEEPENED, true);
            config.save();
        } catch (IOException e) {
            log.warn("could not note in {} that it was deepened: {}", repository.getDirectory(), e.toString());
        }
    }

    private static Target target(Map<String, Ref> advertised, String ref, SourceLocation location) {
        if (ref == null) {
            Ref head = advertised.get(Constants.HEAD);
            if (head == null || head.getObjectId() == null) {
                if (advertised.isEmpty()) {
                    throw empty(location);
                }
                throw new SourceException(location.display() + " has no default branch (HEAD); name a branch"
                        + branches(advertised));
            }
            String name = head.isSymbolic() ? head.getTarget().getName() : Constants.HEAD;
            return new Target(name, OWN_REFS + "default");
        }
        for (String candidate : List.of(ref, Constants.R_HEADS + ref, Constants.R_TAGS + ref)) {
            if (candidate.startsWith(Constants.R_REFS) && advertised.containsKey(candidate)) {
                return new Target(candidate, OWN_REFS + candidate.substring(Constants.R_REFS.length()));
            }
        }
        String lower = ref.toLowerCase(Locale.ROOT);
        if (ObjectId.isId(lower)) {
            return new Target(lower, OWN_REFS + "commits/" + lower);
        }
        if (advertised.isEmpty()) {
            throw empty(location);
        }
        String hint = lower.matches("[0-9a-f]{4,39}") ? "; give a commit by its full 40-character id" : "";
        throw new SourceException("branch or tag '" + ref + "' not found in " + location.display()
                + (hint.isEmpty() ? branches(advertised) : hint));
    }

    /** "; its branches: a, b, c (and 4 more)" for a message, from what the remote advertised; "" if none. */
    private static String branches(Map<String, Ref> advertised) {
        List<String> names = advertised.keySet().stream().filter(name -> name.startsWith(Constants.R_HEADS))
                .map(name -> name.substring(Constants.R_HEADS.length())).sorted().toList();
        if (names.isEmpty()) {
            return "";
        }
        int shown = Math.min(5, names.size());
        return "; its branches: " + String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? " (and " + (names.size() - shown) + " more)" : "");
    }

    private static RevCommit parseCommit(Repository repository, ObjectId id, SourceLocation location, String ref) {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(id); // peels an annotated tag
            walk.parseBody(commit);
            return commit;
        } catch (IncorrectObjectTypeException e) {
            throw new SourceException(describe(ref) + " of " + location.display() + " does not name a commit");
        } catch (IOException e) {
            throw new SourceException("could not read the commit of " + location.display() + ": " + e.getMessage(), e);
        }
    }

    private void configure(Transport transport) {
        if (transport instanceof TransportHttp http) {
            http.setHttpConnectionFactory(new CheckedHttpConnectionFactory(policy));
        }
    }

    private GitErrors.Context context(SourceLocation location, String ref, BoundedMonitor.Stop stop) {
        String host = location instanceof SourceLocation.Remote remote ? remote.host() : "this machine";
        return new GitErrors.Context(location.display(), host, ref, credentials.hasCredentialsFor(host), stop,
                settings.timeout().toSeconds(), settings.maxRepositoryBytes());
    }

    private static Repository openExisting(Path dir) {
        try {
            Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
            if (repository.getObjectDatabase().exists()) {
                return repository;
            }
            repository.close();
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Waits for this process's lock of one repository until the deadline or a cancellation. */
    private static void lockInProcess(ReentrantLock lock, long deadline, SourceLocation location,
                                      FetchMonitor monitor) {
        try {
            while (!lock.tryLock(50, TimeUnit.MILLISECONDS)) {
                if (monitor.isCancelled()) {
                    throw cancelled(location);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw busy(location);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while waiting to fetch " + location.display());
        }
    }

    private FileLock lockFile(FileChannel channel, long deadline, SourceLocation location, FetchMonitor monitor)
            throws IOException {
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // another source object of this JVM holds it: wait like for another process
            }
            if (monitor.isCancelled()) {
                throw cancelled(location);
            }
            if (System.nanoTime() - deadline > 0) {
                throw busy(location);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SourceException("interrupted while waiting to fetch " + location.display());
            }
        }
    }

    /** Temporary clones of a process that died mid-clone; safe to remove while holding the lock. */
    private static void removeLeftovers(Path root, String key) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, "." + key + "-*")) {
            for (Path leftover : leftovers) {
                deleteRecursively(leftover);
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }

    private static SourceException busy(SourceLocation location) {
        return new SourceException("another job is still fetching " + location.display() + "; try again later");
    }

    private static SourceException cancelled(SourceLocation location) {
        return GitErrors.cancelled(location.display());
    }

    private static SourceException empty(SourceLocation location) {
        return new SourceException("the repository " + location.display() + " is empty (it has no commits)");
    }

    private static String describe(String ref) {
        return ref == null ? "the default branch" : "'" + ref + "'";
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
    }

    private static int seconds(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining(deadline).toSeconds()));
    }
}

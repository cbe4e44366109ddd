package dev.reporag.core.memory;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Repositories made of maps from path to content. Each {@link #commit} makes a new version, so
 * change detection can be tested; a project's ref, when set, names a commit to open.
 */
public final class InMemoryRepositorySource implements RepositorySource {
    private record Version(String commit, String message, Instant time, Map<String, byte[]> files) {
    }

    private final Map<String, List<Version>> history = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger headReads = new AtomicInteger();

    /** Makes a new commit of the repository at {@code source} and returns its id. */
    public String commit(String source, Map<String, String> files) {
        return commit(source, "change", files);
    }

    /** Like {@link #commit}, with a commit message (its first line is the subject history shows). */
    public String commit(String source, String message, Map<String, String> files) {
        Map<String, byte[]> bytes = new TreeMap<>();
        files.forEach((path, text) -> bytes.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return commitBytes(source, message, bytes);
    }

    /**
     * A fork: the repository at {@code to} starts with the commits of the one at {@code from} so far
     * (the same ids), and its own commits come after them.
     */
    public synchronized void fork(String from, String to) {
        List<Version> versions = history.get(from);
        if (versions == null || history.containsKey(to)) {
            throw new IllegalArgumentException("cannot fork " + from + " to " + to);
        }
        history.put(to, new CopyOnWriteArrayList<>(versions));
    }

    /** Like {@link #commit} with raw content, for binary files. */
    public String commitBytes(String source, Map<String, byte[]> files) {
        return commitBytes(source, "change", files);
    }

    private synchronized String commitBytes(String source, String message, Map<String, byte[]> files) {
        List<Version> versions = history.computeIfAbsent(source, s -> new CopyOnWriteArrayList<>());
        String commit = hash(source + '\n' + versions.size() + '\n' + files.keySet());
        // One second apart, in order, like commits made one after another.
        versions.add(new Version(commit, message, Instant.EPOCH.plusSeconds(versions.size()), new TreeMap<>(files)));
        return commit;
    }

    /** How many file contents have been read, for tests that check what is re-read. */
    public int reads() {
        return reads.get();
    }

    /** How many times {@link #remoteHead} has been asked, for tests that count remote checks. */
    public int remoteHeadReads() {
        return headReads.get();
    }

    /** The newest commit, or the ref itself when it names one of the repository's commits. */
    @Override
    public String remoteHead(String source, String ref) {
        headReads.incrementAndGet();
        List<Version> versions = history.get(source);
        if (versions == null || versions.isEmpty()) {
            throw new SourceException("repository not found: " + source);
        }
        if (ref != null) {
            return versions.stream().filter(v -> v.commit().equals(ref)).findFirst().map(Version::commit)
                    .orElseThrow(() -> new SourceException("ref '" + ref + "' not found in " + source));
        }
        return versions.get(versions.size() - 1).commit();
    }

    @Override
    public void validate(String source) {
        if (source == null || source.isBlank()) {
            throw new SourceException("the repository source is empty");
        }
    }

    @Override
    public Snapshot open(Project project) {
        List<Version> versions = history.get(project.source());
        if (versions == null || versions.isEmpty()) {
            throw new SourceException("repository not found: " + project.source());
        }
        Version version = versions.get(versions.size() - 1);
        if (project.ref() != null) {
            version = versions.stream().filter(v -> v.commit().equals(project.ref())).findFirst()
                    .orElseThrow(() -> new SourceException("ref '" + project.ref() + "' not found in "
                            + project.source()));
        }
        return new MapSnapshot(version, versions);
    }

    private final class MapSnapshot implements Snapshot {
        private final Version version;
        private final List<Version> versions;

        MapSnapshot(Version version, List<Version> versions) {
            this.version = version;
            this.versions = versions;
        }

        @Override
        public String commit() {
            return version.commit();
        }

        @Override
        public Stream<SourceFile> files() {
            return version.files().entrySet().stream()
                    .map(e -> new SourceFile(e.getKey(), e.getValue().length, hash(e.getValue()), null,
                            FileKind.REGULAR));
        }

        @Override
        public byte[] read(SourceFile file) {
            byte[] content = version.files().get(file.path());
            if (content == null) {
                throw new SourceException("no file " + file.path() + " in commit " + version.commit());
            }
            reads.incrementAndGet();
            return content.clone();
        }

        @Override
        public Optional<ChangeSet> changesSince(String earlierCommit) {
            return changesSince(versions.stream().filter(v -> v.commit().equals(earlierCommit)).findFirst());
        }

        /** As a Git source keeping a copy of the other repository: every repository here can be read. */
        @Override
        public Optional<ChangeSet> changesSince(String earlierCommit, String earlierSource) {
            Optional<ChangeSet> own = changesSince(earlierCommit);
            if (own.isPresent()) {
                return own;
            }
            return changesSince(history.getOrDefault(earlierSource, List.of()).stream()
                    .filter(v -> v.commit().equals(earlierCommit)).findFirst());
        }

        private Optional<ChangeSet> changesSince(Optional<Version> earlier) {
            if (earlier.isEmpty()) {
                return Optional.empty();
            }
            Map<String, byte[]> before = earlier.get().files();
            Set<String> changed = new HashSet<>();
            Set<String> deleted = new HashSet<>(before.keySet());
            deleted.removeAll(version.files().keySet());
            for (Map.Entry<String, byte[]> file : version.files().entrySet()) {
                byte[] old = before.get(file.getKey());
                if (old == null || !java.util.Arrays.equals(old, file.getValue())) {
                    changed.add(file.getKey());
                }
            }
            return Optional.of(new ChangeSet(changed, deleted));
        }

        /** The versions before it are its first-parent line; every version is kept, so all are there. */
        @Override
        public List<CommitInfo> history(int max) {
            List<CommitInfo> commits = new ArrayList<>();
            for (int i = versions.indexOf(version); i >= 0 && commits.size() < max; i--) {
                Version current = versions.get(i);
                Version parent = i == 0 ? null : versions.get(i - 1);
                Map<String, byte[]> before = parent == null ? Map.of() : parent.files();
                Set<String> added = new HashSet<>(current.files().keySet());
                added.removeAll(before.keySet());
                Set<String> deleted = new HashSet<>(before.keySet());
                deleted.removeAll(current.files().keySet());
                Set<String> modified = new HashSet<>();
                before.forEach((path, content) -> {
                    byte[] now = current.files().get(path);
                    if (now != null && !java.util.Arrays.equals(now, content)) {
                        modified.add(path);
                    }
                });
                commits.add(new CommitInfo(current.commit(), parent == null ? List.of() : List.of(parent.commit()),
                        current.message().lines().findFirst().orElse(""), current.time(), added, modified, deleted));
            }
            return commits;
        }

        @Override
        public Snapshot at(String commit) {
            return versions.stream().filter(v -> v.commit().equals(commit)).findFirst()
                    .map(v -> (Snapshot) new MapSnapshot(v, versions))
                    .orElseThrow(() -> new SourceException("commit " + commit + " is not available from this source"));
        }

        @Override
        public void close() {
        }
    }

    private static String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.reporag.git;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.CommitInfo;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.diff.DiffConfig;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.RenameDetector;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.eclipse.jgit.util.RawParseUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One commit of a cached repository, read straight from the object database: there is no working
 * tree, so a symlink is only a blob holding its target's name and is never followed. Thread-safe:
 * every read and every listing uses its own ObjectReader.
 */
final class GitSnapshot implements Snapshot {
    private static final byte[] PARENT = Constants.encodeASCII("parent ");
    private final Repository repository;
    private final RevCommit commit;
    private final long maxFileBytes;
    /** The clone the cache keeps of a source, if it holds one; nothing is fetched. */
    private final Function<String, Optional<Path>> clones;

    GitSnapshot(Repository repository, RevCommit commit, long maxFileBytes) {
        this(repository, commit, maxFileBytes, source -> Optional.empty());
    }

    GitSnapshot(Repository repository, RevCommit commit, long maxFileBytes, Function<String, Optional<Path>> clones) {
        this.repository = repository;
        this.commit = commit;
        this.maxFileBytes = maxFileBytes;
        this.clones = clones;
    }

    @Override
    public String commit() {
        return commit.name();
    }

    @Override
    public Stream<SourceFile> files() {
        ObjectReader reader = repository.newObjectReader();
        TreeWalk walk = new TreeWalk(reader);
        try {
            walk.addTree(commit.getTree());
            walk.setRecursive(true); // gitlinks are entries, never entered
        } catch (IOException e) {
            walk.close();
            reader.close();
            throw new SourceException("could not list the files of commit " + commit.name() + ": " + e.getMessage(), e);
        }
        Spliterator<SourceFile> entries = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT) {
            @Override
            public boolean tryAdvance(Consumer<? super SourceFile> action) {
                try {
                    if (!walk.next()) {
                        return false;
                    }
                    action.accept(entry(walk, reader));
                    return true;
                } catch (IOException e) {
                    throw new SourceException("could not list the files of commit " + commit.name() + ": "
                            + e.getMessage(), e);
                }
            }
        };
        return StreamSupport.stream(entries, false).onClose(() -> {
            walk.close();
            reader.close();
        });
    }

    private static SourceFile entry(TreeWalk walk, ObjectReader reader) throws IOException {
        String path = walk.getPathString();
        ObjectId id = walk.getObjectId(0);
        FileMode mode = walk.getFileMode(0);
        if (mode == FileMode.GITLINK) {
            return new SourceFile(path, 0, id.name(), null, FileKind.SUBMODULE);
        }
        long size = reader.getObjectSize(id, Constants.OBJ_BLOB); // from the object header only
        FileKind kind = mode == FileMode.SYMLINK ? FileKind.SYMLINK : FileKind.REGULAR;
        return new SourceFile(path, size, id.name(), null, kind);
    }

    @Override
    public byte[] read(SourceFile file) {
        if (file.kind() != FileKind.REGULAR) {
            throw new SourceException(file.path() + " is a " + file.kind().name().toLowerCase(Locale.ROOT)
                    + ", which is never read");
        }
        try (ObjectReader reader = repository.newObjectReader()) {
            ObjectLoader blob = openBlob(file, reader);
            if (blob.getSize() > maxFileBytes) {
                throw new SourceException(file.path() + " is " + blob.getSize() + " bytes, over the read limit of "
                        + maxFileBytes + " bytes");
            }
            return blob.getBytes((int) Math.min(maxFileBytes, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new SourceException("could not read " + file.path() + " of commit " + commit.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The file's blob, opened once: by the id the listing gave (no tree lookup per read), else by
     * path in this commit. Either way only a blob is read, never a path on disk: a symlink
     * mislabelled as a regular file yields its link text, not its target. Opening a small blob
     * inflates it, so it is not checked for first (JGit's {@code has(id, type)} opens it too).
     */
    private ObjectLoader openBlob(SourceFile file, ObjectReader reader) throws IOException {
        String id = file.blobId().toLowerCase(Locale.ROOT);
        if (ObjectId.isId(id)) {
            try {
                return reader.open(ObjectId.fromString(id), Constants.OBJ_BLOB);
            } catch (MissingObjectException | IncorrectObjectTypeException notThisBlob) {
                // not in this repository: look the path up instead
            }
        }
        try (TreeWalk walk = TreeWalk.forPath(reader, file.path(), commit.getTree())) {
            if (walk == null || walk.getFileMode(0) != FileMode.REGULAR_FILE
                    && walk.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
                throw new SourceException("no regular file " + file.path() + " in commit " + commit.name());
            }
            return reader.open(walk.getObjectId(0), Constants.OBJ_BLOB);
        }
    }

    @Override
    public Optional<ChangeSet> changesSince(String earlierCommit) {
        return diffSince(earlierCommit).map(GitSnapshot::toChangeSet);
    }

    /**
     * Every path that differs between an earlier commit and this one, renames detected (exact, and
     * by content for files up to the read limit). Empty when the earlier commit or its tree is not in
     * the cache: the caller then reconciles everything.
     */
    Optional<List<DiffEntry>> diffSince(String earlierCommit) {
        return diffSince(repository, earlierCommit, true);
    }

    /**
     * Where this clone lacks the commit, the clone the cache keeps of {@code earlierSource} is read
     * beside it (as an alternate object directory): the two trees compare whatever their histories.
     */
    @Override
    public Optional<ChangeSet> changesSince(String earlierCommit, String earlierSource) {
        Optional<ChangeSet> own = changesSince(earlierCommit);
        if (own.isPresent() || earlierSource == null) {
            return own;
        }
        Path ownDir = repository.getDirectory().toPath().toAbsolutePath().normalize();
        Optional<Path> other = clones.apply(earlierSource).map(dir -> dir.toAbsolutePath().normalize())
                .filter(dir -> !dir.equals(ownDir) && Files.isDirectory(dir.resolve("objects")));
        if (other.isEmpty()) {
            return Optional.empty();
        }
        try (Repository both = new FileRepositoryBuilder().setGitDir(ownDir.toFile()).setMustExist(true)
                .addAlternateObjectDirectory(other.get().resolve("objects").toFile()).build()) {
            // Renames found by content would read both sides' files, and change no path of the answer.
            return diffSince(both, earlierCommit, false).map(GitSnapshot::toChangeSet);
        } catch (IOException | SourceException e) {
            return Optional.empty(); // the other clone cannot be read now: the job reads every file
        }
    }

    private Optional<List<DiffEntry>> diffSince(Repository repository, String earlierCommit, boolean detectRenames) {
        if (earlierCommit == null || !ObjectId.isId(earlierCommit.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        ObjectId earlier = ObjectId.fromString(earlierCommit.toLowerCase(Locale.ROOT));
        try (ObjectReader reader = repository.newObjectReader(); RevWalk revWalk = new RevWalk(reader)) {
            if (!reader.has(earlier)) {
                return Optional.empty();
            }
            RevObject object = revWalk.parseAny(earlier);
            if (!(object instanceof RevCommit old) || !reader.has(old.getTree())) {
                return Optional.empty();
            }
            try (TreeWalk walk = new TreeWalk(reader)) {
                walk.setRecursive(true);
                walk.addTree(old.getTree());
                walk.addTree(commit.getTree());
                walk.setFilter(TreeFilter.ANY_DIFF);
                List<DiffEntry> entries = DiffEntry.scan(walk);
                if (!detectRenames) {
                    return Optional.of(entries);
                }
                RenameDetector renames = new RenameDetector(reader, repository.getConfig().get(DiffConfig.KEY));
                renames.setBigFileThreshold((int) Math.min(maxFileBytes, Integer.MAX_VALUE));
                renames.setSkipContentRenamesForBinaryFiles(true);
                renames.addAll(entries);
                return Optional.of(renames.compute(reader, NullProgressMonitor.INSTANCE));
            }
        } catch (MissingObjectException e) {
            return Optional.empty(); // part of the earlier commit is not in this cache
        } catch (IOException | org.eclipse.jgit.api.errors.CanceledException e) {
            throw new SourceException("could not compare commit " + earlierCommit + " with " + commit.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private static ChangeSet toChangeSet(List<DiffEntry> entries) {
        Set<String> changed = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        for (DiffEntry entry : entries) {
            switch (entry.getChangeType()) {
                case ADD, MODIFY, COPY -> changed.add(entry.getNewPath());
                case DELETE -> deleted.add(entry.getOldPath());
                case RENAME -> {
                    deleted.add(entry.getOldPath());
                    changed.add(entry.getNewPath());
                }
            }
        }
        return new ChangeSet(changed, deleted);
    }

    /**
     * Walks the first-parent line from this commit. A commit whose parents this clone lacks (the
     * edge of a shallow clone) ends the list: what it changed is not known here. The repository's
     * first commit is known whole even when the server marked it shallow (C Git does when the
     * fetch's depth ends at it).
     */
    @Override
    public List<CommitInfo> history(int max) {
        List<CommitInfo> commits = new ArrayList<>();
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            Set<ObjectId> shallow = repository.getObjectDatabase().getShallowCommits();
            walk.setFirstParent(true);
            walk.markStart(walk.parseCommit(commit));
            for (RevCommit next = walk.next(); next != null && commits.size() < max; next = walk.next()) {
                if (shallow.contains(next) && hasParents(next)) {
                    break;
                }
                commits.add(describe(next, reader));
            }
        } catch (IOException e) {
            throw new SourceException("could not read the history of commit " + commit.name() + ": " + e.getMessage(), e);
        }
        return commits;
    }

    /** Whether the commit as written names a parent: the walk shows a shallow commit without its parents. */
    private static boolean hasParents(RevCommit commit) {
        byte[] raw = commit.getRawBuffer();
        int afterTree = RawParseUtils.nextLF(raw, 0);
        return RawParseUtils.match(raw, afterTree, PARENT) >= 0;
    }

    private static CommitInfo describe(RevCommit commit, ObjectReader reader) throws IOException {
        List<String> parents = new ArrayList<>();
        for (RevCommit parent : commit.getParents()) {
            parents.add(parent.name());
        }
        Set<String> added = new HashSet<>();
        Set<String> modified = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        if (parents.size() <= 1) {
            try (TreeWalk diff = new TreeWalk(reader)) {
                diff.setRecursive(true);
                if (parents.isEmpty()) {
                    diff.addTree(new EmptyTreeIterator());
                } else {
                    diff.addTree(commit.getParent(0).getTree());
                }
                diff.addTree(commit.getTree());
                diff.setFilter(TreeFilter.ANY_DIFF);
                for (DiffEntry entry : DiffEntry.scan(diff)) {
                    switch (entry.getChangeType()) {
                        case ADD, COPY -> added.add(entry.getNewPath());
                        case MODIFY -> modified.add(entry.getNewPath());
                        case DELETE -> deleted.add(entry.getOldPath());
                        case RENAME -> {
                            deleted.add(entry.getOldPath());
                            added.add(entry.getNewPath());
                        }
                    }
                }
            }
        }
        return new CommitInfo(commit.name(), parents, commit.getShortMessage(),
                Instant.ofEpochSecond(commit.getCommitTime()), added, modified, deleted);
    }

    /** An earlier commit of this clone, sharing its repository (each snapshot releases its own use). */
    @Override
    public Snapshot at(String commitId) {
        String id = commitId == null ? "" : commitId.toLowerCase(Locale.ROOT);
        if (!ObjectId.isId(id)) {
            throw new SourceException("'" + commitId + "' is not a full commit id");
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit earlier = walk.parseCommit(ObjectId.fromString(id));
            walk.parseBody(earlier);
            repository.incrementOpen();
            return new GitSnapshot(repository, earlier, maxFileBytes, clones);
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            throw new SourceException("commit " + commitId + " is not in the local copy of this repository");
        } catch (IOException e) {
            throw new SourceException("could not read commit " + commitId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        repository.close();
    }
}

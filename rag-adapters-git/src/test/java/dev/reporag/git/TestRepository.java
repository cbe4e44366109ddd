package dev.reporag.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A bare repository made by a test with JGit, committed to directly (no working tree), so tests can
 * write symlinks, gitlinks and large blobs exactly.
 */
final class TestRepository implements AutoCloseable {
    record Entry(String path, FileMode mode, byte[] content, ObjectId gitlink) {
        static Entry text(String path, String text) {
            return new Entry(path, FileMode.REGULAR_FILE, text.getBytes(StandardCharsets.UTF_8), null);
        }

        static Entry bytes(String path, byte[] content) {
            return new Entry(path, FileMode.REGULAR_FILE, content, null);
        }

        static Entry symlink(String path, String target) {
            return new Entry(path, FileMode.SYMLINK, target.getBytes(StandardCharsets.UTF_8), null);
        }

        static Entry submodule(String path, String commit) {
            return new Entry(path, FileMode.GITLINK, null, ObjectId.fromString(commit));
        }
    }

    private final Repository repository;
    private final Path dir;

    private TestRepository(Repository repository, Path dir) {
        this.repository = repository;
        this.dir = dir;
    }

    static TestRepository create(Path dir) throws Exception {
        Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(dir.toFile()).call();
        return new TestRepository(git.getRepository(), dir);
    }

    static TestRepository open(Path dir) throws IOException {
        return new TestRepository(new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build(), dir);
    }

    Path dir() {
        return dir;
    }

    Repository repository() {
        return repository;
    }

    String commitText(Map<String, String> files) throws IOException {
        return commitText(null, files);
    }

    /** Commits exactly these text files on main with this message (null: a made-up one). */
    String commitText(String message, Map<String, String> files) throws IOException {
        List<Entry> entries = new ArrayList<>();
        files.forEach((path, text) -> entries.add(Entry.text(path, text)));
        return commit("main", entries, message);
    }

    /** Commits exactly these entries on the branch (created if needed) and returns the commit id. */
    String commit(String branch, List<Entry> entries) throws IOException {
        return commit(branch, entries, null);
    }

    /** Commits exactly these text files on main, each object a loose file (which a test can delete). */
    String commitLoose(String message, Map<String, String> files) throws IOException {
        List<Entry> entries = new ArrayList<>();
        files.forEach((path, text) -> entries.add(Entry.text(path, text)));
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            return commit("main", entries, message, inserter);
        }
    }

    /** The file of a loose object. */
    Path looseObject(String id) {
        return dir.resolve("objects").resolve(id.substring(0, 2)).resolve(id.substring(2));
    }

    private String commit(String branch, List<Entry> entries, String message) throws IOException {
        // A pack inserter writes one pack instead of a loose file per object: much faster for big commits.
        try (ObjectInserter inserter = ((ObjectDirectory) repository.getObjectDatabase()).newPackInserter()) {
            return commit(branch, entries, message, inserter);
        }
    }

    private String commit(String branch, List<Entry> entries, String message, ObjectInserter inserter)
            throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::path));
        for (Entry entry : sorted) {
            DirCacheEntry e = new DirCacheEntry(entry.path());
            e.setFileMode(entry.mode());
            e.setObjectId(entry.gitlink() != null ? entry.gitlink()
                    : inserter.insert(Constants.OBJ_BLOB, entry.content()));
            builder.add(e);
        }
        builder.finish();
        ObjectId tree = index.writeTree(inserter);
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        ObjectId parent = repository.resolve(Constants.R_HEADS + branch);
        if (parent != null) {
            commit.setParentId(parent);
        }
        PersonIdent who = new PersonIdent("Test", "test@example.com");
        commit.setAuthor(who);
        commit.setCommitter(who);
        commit.setMessage(message != null ? message + "\n" : "commit " + entries.size() + " entries\n");
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        setRef(Constants.R_HEADS + branch, id);
        return id.name();
    }

    void tag(String name, String commit, boolean annotated) throws IOException {
        ObjectId target = ObjectId.fromString(commit);
        if (!annotated) {
            setRef(Constants.R_TAGS + name, target);
            return;
        }
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            TagBuilder tag = new TagBuilder();
            tag.setTag(name);
            tag.setObjectId(target, Constants.OBJ_COMMIT);
            tag.setTagger(new PersonIdent("Test", "test@example.com"));
            tag.setMessage("tag " + name + "\n");
            ObjectId id = inserter.insert(tag);
            inserter.flush();
            setRef(Constants.R_TAGS + name, id);
        }
    }

    /** Points the branch at an earlier commit, as a force-push would. */
    void resetBranch(String branch, String commit) throws IOException {
        setRef(Constants.R_HEADS + branch, ObjectId.fromString(commit));
    }

    private void setRef(String name, ObjectId id) throws IOException {
        RefUpdate update = repository.updateRef(name);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("could not update " + name + ": " + result);
        }
    }

    @Override
    public void close() {
        repository.close();
    }
}

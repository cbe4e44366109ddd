package dev.reporag.git;

import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a local repository can give before it is fetched from. Two kinds of clone lack objects
 * that JGit's in-process upload-pack would need, and it then fails with its stack trace on stderr
 * and "remote: internal server error", or leaves history that is not there ("Missing commit"):
 * a partial clone ({@code git clone --filter=blob:none}) has the blobs of what was checked out
 * only, and a shallow one ({@code --depth}) stops its history at a cut. Both are common (big
 * repositories, CI checkouts); each gets a message saying what is missing and what to do.
 */
final class LocalSourceCheck {
    private LocalSourceCheck() {
    }

    /**
     * Whether the local repository is a partial clone, which may lack objects a fetch needs: then
     * its refs are listed and its commit checked before fetching ({@link #check}), for a clear message.
     */
    static boolean mayLackObjects(SourceLocation.Local location) {
        Path gitDir = gitDir(location.path());
        return gitDir != null && isPartialClone(gitDir);
    }

    /**
     * Checks that {@code commit} of the local repository, and its history to {@code depth} commits
     * when more than one is wanted, can be fetched. Of a repository that is neither partial nor
     * shallow, reads its configuration only.
     */
    static void check(SourceLocation.Local location, ObjectId commit, String ref, int depth) {
        // Files first, as text: opening a Repository here would start JGit's timing of the file
        // system ahead of the clone (FreshProcessCloneTest), for the rare repository that needs more.
        Path gitDir = gitDir(location.path());
        if (gitDir == null) {
            return; // not a repository: the fetch says why
        }
        if (depth > 1 && Files.exists(gitDir.resolve("shallow"))) {
            throw new SourceException(location.display() + " is a shallow clone (git clone --depth): its history"
                    + " is cut, and reading history (rag eval) needs it whole; run 'git -C " + location.display()
                    + " fetch --unshallow' first, or give the repository's URL instead of the local path");
        }
        if (!isPartialClone(gitDir)) {
            return;
        }
        SourceException missing = missingObject(gitDir, location, commit, ref, depth,
                what -> partial(location, what));
        if (missing != null) {
            throw missing;
        }
    }

    /**
     * Why a fetch from a local repository that is not partial failed in JGit's upload-pack ("remote:
     * internal server error", with its stack trace): an object the commits to fetch need is not in
     * it, as in a copy made without all its files. Null when nothing is missing.
     */
    static SourceException damaged(SourceLocation.Local location, ObjectId commit, String ref, int depth) {
        Path gitDir = gitDir(location.path());
        return gitDir == null ? null : missingObject(gitDir, location, commit, ref, depth,
                what -> new SourceException(location.display() + " lacks " + what + ": the repository is incomplete"
                        + " or damaged ('git -C " + location.display() + " fsck' lists what is missing)"
                        + (depth > 1 ? ", and reading history (rag eval) needs every file of it" : "")
                        + ". Repair it (for example clone it again), or give the repository's URL instead of the"
                        + " local path"));
    }

    private static SourceException missingObject(Path gitDir, SourceLocation.Local location, ObjectId commit,
                                                 String ref, int depth, Function<String, SourceException> missing) {
        try (Repository source = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build()) {
            return checkObjects(source, commit, ref, depth, missing);
        } catch (MissingObjectException e) {
            return missing.apply("object " + e.getObjectId().abbreviate(12).name());
        } catch (IOException e) {
            return new SourceException("could not read " + location.display() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A path inside a working tree but not at its top (`rag ask --repo .` from a subdirectory) is no
     * repository to fetch from: says which one it is in, instead of "repository not found".
     */
    static void checkIsRepository(SourceLocation.Local location) {
        Path path = location.path().toAbsolutePath().normalize();
        if (gitDir(path) != null || !Files.isDirectory(path)) {
            return;
        }
        for (Path above = path.getParent(); above != null; above = above.getParent()) {
            if (gitDir(above) != null) {
                throw new SourceException(location.display() + " is a folder inside the Git repository " + above
                        + ", not the repository itself: give " + above + " (a project is a whole repository)");
            }
        }
    }

    /** The Git directory of a working tree ({@code .git}, or the one a {@code .git} file names) or of a bare repository. */
    private static Path gitDir(Path path) {
        Path dotGit = path.resolve(".git");
        try {
            if (Files.isDirectory(dotGit)) {
                return dotGit;
            }
            if (Files.isRegularFile(dotGit)) {
                String line = Files.readString(dotGit).strip();
                return line.startsWith("gitdir:") ? path.resolve(line.substring("gitdir:".length()).strip()) : null;
            }
        } catch (IOException unreadable) {
            return null;
        }
        // As git itself tells one: HEAD and objects (a bare copy may have no config).
        return Files.isRegularFile(path.resolve("HEAD")) && Files.isDirectory(path.resolve("objects")) ? path : null;
    }

    private static SourceException partial(SourceLocation.Local location, String missing) {
        return new SourceException(location.display() + " is a partial clone (git clone --filter), and " + missing
                + " is not on disk: rag reads every file of the commits it indexes. Give the repository's URL"
                + " instead of the local path, or fetch the missing content first (for example a checkout of"
                + " that commit, or a full clone)");
    }

    /**
     * Git marks the packs a partial clone fetched with a {@code .promisor} file beside them: a copy
     * of one without its config (a mirror copied as objects and refs) is still known as partial.
     */
    /** Known as partial by its packs' {@code .promisor} files, or by its configuration; reads files as text only. */
    private static boolean isPartialClone(Path gitDir) {
        if (hasPromisorPack(gitDir)) {
            return true;
        }
        Config config = new Config();
        try {
            config.fromText(Files.readString(gitDir.resolve("config")));
        } catch (IOException | ConfigInvalidException unreadable) {
            return false; // the fetch reads it too, and says what is wrong
        }
        return isPartial(config);
    }

    private static boolean hasPromisorPack(Path gitDir) {
        try (DirectoryStream<Path> promisors = Files.newDirectoryStream(gitDir.resolve("objects").resolve("pack"),
                "*.promisor")) {
            return promisors.iterator().hasNext();
        } catch (IOException | java.nio.file.DirectoryIteratorException noPacks) {
            return false;
        }
    }

    private static boolean isPartial(Config config) {
        if (config.getString("extensions", null, "partialclone") != null) {
            return true;
        }
        for (String remote : config.getSubsections("remote")) {
            if (config.getBoolean("remote", remote, "promisor", false)
                    || config.getString("remote", remote, "partialclonefilter") != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every tree and blob of the commits a fetch of {@code depth} would send, each tree read once:
     * the first one missing, said by {@code missing}, or null.
     */
    private static SourceException checkObjects(Repository source, ObjectId tip, String ref, int depth,
                                                Function<String, SourceException> missing) throws IOException {
        try (RevWalk walk = new RevWalk(source); ObjectReader reader = source.newObjectReader()) {
            Set<ObjectId> seenTrees = new HashSet<>();
            Map<ObjectId, Integer> generation = new HashMap<>();
            Deque<RevCommit> queue = new ArrayDeque<>();
            RevCommit first = walk.parseCommit(tip); // an annotated tag's commit
            queue.add(first);
            generation.put(first.copy(), 1);
            while (!queue.isEmpty()) {
                RevCommit commit = queue.poll();
                String absent = absentFile(reader, commit, seenTrees);
                if (absent != null) {
                    return missing.apply("the content of " + absent + " in commit " + commit.abbreviate(12).name()
                            + (ref == null ? "" : " (" + ref + ")"));
                }
                int next = generation.get(commit) + 1;
                if (next > depth) {
                    continue;
                }
                for (RevCommit parent : commit.getParents()) {
                    if (reader.has(parent) && generation.putIfAbsent(parent.copy(), next) == null) {
                        queue.add(walk.parseCommit(parent));
                    }
                }
            }
        }
        return null;
    }

    /** The path of a file of the commit whose blob is not there, or null; trees seen before are skipped. */
    private static String absentFile(ObjectReader reader, RevCommit commit, Set<ObjectId> seenTrees)
            throws IOException {
        ObjectId root = commit.getTree();
        if (!seenTrees.add(root.copy())) {
            return null;
        }
        try (TreeWalk tree = new TreeWalk(reader)) {
            tree.addTree(root);
            while (tree.next()) {
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    continue; // a submodule's commit lives elsewhere
                }
                ObjectId id = tree.getObjectId(0);
                if (mode == FileMode.TREE) {
                    if (seenTrees.add(id.copy())) {
                        tree.enterSubtree();
                    }
                    continue;
                }
                if (!reader.has(id, Constants.OBJ_BLOB)) {
                    return tree.getPathString();
                }
            }
        }
        return null;
    }
}

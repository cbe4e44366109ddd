package dev.reporag.bench;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of a fetched snapshot that JGit can serve. The snapshots the search tool's {@code fetch}
 * brings lack blobs of 4 MiB and more, and JGit's upload-pack fails on any clone that would need
 * one. The copy holds the last {@code depth} commits of the default branch's first-parent line,
 * each with the same message, author and times, and the same tree minus the entries whose blob is
 * missing (files that size are never indexed anyway): where none is missing, the tree id is the
 * original's, which {@link #copy} checks for the head. A merge keeps its first parent and gets a
 * second one (an empty root commit), so it still reads as a merge.
 */
final class MirrorCopy {
    private MirrorCopy() {
    }

    /** The mirror's head commit. */
    static String head(Path mirror) throws IOException {
        try (Repository source = new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build()) {
            return source.resolve("HEAD").name();
        }
    }

    /** The mirror's head alone copied to {@code target} (a new bare repository); returns that commit. */
    static String copyHead(Path mirror, Path target) throws IOException {
        String head = head(mirror);
        copy(mirror, head, target, 1);
        return head;
    }

    /**
     * Writes the copy to {@code target} (a new bare repository), failing unless the mirror's head is
     * {@code commit}. Returns whether the head's tree lost a file (a blob of 4 MiB or more: never
     * indexed, over every size limit).
     */
    static boolean copy(Path mirror, String commit, Path target, int depth) throws IOException {
        try (Repository source = new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
             Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(target.toFile()).call();
             ObjectReader reader = source.newObjectReader();
             RevWalk walk = new RevWalk(reader)) {
            Repository copy = git.getRepository();
            RevCommit head = walk.parseCommit(source.resolve(Constants.HEAD));
            if (!head.name().equals(commit)) {
                throw new IOException(mirror + " is at " + head.name() + ", not at the pinned " + commit);
            }
            List<RevCommit> line = new ArrayList<>();
            for (RevCommit c = head; c != null && line.size() < depth;
                 c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0))) {
                line.add(c);
            }
            Collections.reverse(line);
            Map<ObjectId, ObjectId> trees = new HashMap<>();
            try (ObjectInserter inserter = ((ObjectDirectory) copy.getObjectDatabase()).newPackInserter()) {
                ObjectId mergeRoot = null;
                ObjectId parent = null;
                for (RevCommit original : line) {
                    CommitBuilder builder = new CommitBuilder();
                    builder.setTreeId(tree(original.getTree(), reader, inserter, trees));
                    builder.setAuthor(original.getAuthorIdent());
                    builder.setCommitter(original.getCommitterIdent());
                    builder.setMessage(original.getFullMessage());
                    if (parent != null && original.getParentCount() > 1) {
                        if (mergeRoot == null) {
                            CommitBuilder root = new CommitBuilder();
                            root.setTreeId(inserter.insert(new TreeFormatter()));
                            root.setAuthor(original.getAuthorIdent());
                            root.setCommitter(original.getCommitterIdent());
                            root.setMessage("empty root standing for merged branches\n");
                            mergeRoot = inserter.insert(root);
                        }
                        builder.setParentIds(parent, mergeRoot);
                    } else if (parent != null) {
                        builder.setParentId(parent);
                    }
                    parent = inserter.insert(builder);
                }
                inserter.flush();
                RefUpdate update = copy.updateRef("refs/heads/main");
                update.setNewObjectId(parent);
                update.setForceUpdate(true);
                update.update();
            }
            return !trees.get(head.getTree()).equals(head.getTree());
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e);
        }
    }

    /** The tree with the entries whose blob the source lacks left out, written to the copy. */
    private static ObjectId tree(ObjectId id, ObjectReader reader, ObjectInserter inserter,
                                 Map<ObjectId, ObjectId> done) throws IOException {
        ObjectId known = done.get(id);
        if (known != null) {
            return known;
        }
        TreeFormatter formatter = new TreeFormatter();
        CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, id);
        for (; !parser.eof(); parser.next()) {
            FileMode mode = parser.getEntryFileMode();
            ObjectId entry = parser.getEntryObjectId();
            if (mode == FileMode.TREE) {
                formatter.append(parser.getEntryPathString(), mode, tree(entry, reader, inserter, done));
            } else if (mode == FileMode.GITLINK) {
                formatter.append(parser.getEntryPathString(), mode, entry);
            } else if (reader.has(entry)) {
                formatter.append(parser.getEntryPathString(), mode, inserter.insert(Constants.OBJ_BLOB,
                        reader.open(entry).getBytes(Integer.MAX_VALUE)));
            }
        }
        ObjectId written = inserter.insert(formatter);
        done.put(id, written);
        return written;
    }
}

package dev.reporag.scale;

import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
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
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JDK's own sources (a src.zip) as a bare Git repository with one commit, plus what the
 * benchmark needs around it: a second commit that changes one file, and the indexable files
 * unpacked into a plain directory for the LangChain4j baseline.
 */
final class JdkCorpus {
    static final Path DEFAULT_ZIP = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");
    private static final PersonIdent WHO = new PersonIdent("bench", "bench@example.com");

    private JdkCorpus() {
    }

    /** What repo-rag's default filter keeps of the zip, by path and size alone. */
    record Indexable(int files, long bytes, int allFiles, long allBytes) {
    }

    /** Commits every file of the zip once into a new bare repository on branch main. */
    static void commitZip(Path zip, Path repo) throws Exception {
        try (Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(repo.toFile()).call();
             ZipFile archive = new ZipFile(zip.toFile())) {
            Repository repository = git.getRepository();
            List<ZipEntry> entries = entries(archive);
            try (ObjectInserter inserter = ((ObjectDirectory) repository.getObjectDatabase()).newPackInserter()) {
                DirCache index = DirCache.newInCore();
                DirCacheBuilder builder = index.builder();
                for (ZipEntry entry : entries) {
                    byte[] content;
                    try (var in = archive.getInputStream(entry)) {
                        content = in.readAllBytes();
                    }
                    DirCacheEntry e = new DirCacheEntry(entry.getName());
                    e.setFileMode(FileMode.REGULAR_FILE);
                    e.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
                    builder.add(e);
                }
                builder.finish();
                commit(repository, inserter, index.writeTree(inserter), null, "JDK sources\n");
            }
        }
    }

    /** A new commit on main whose only difference is a line appended to {@code path}. */
    static String appendLine(Path repo, String path, String line) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            Repository repository = git.getRepository();
            ObjectId head = repository.resolve(Constants.R_HEADS + "main");
            try (RevWalk walk = new RevWalk(repository); ObjectReader reader = repository.newObjectReader();
                 ObjectInserter inserter = repository.newObjectInserter()) {
                RevCommit parent = walk.parseCommit(head);
                DirCache index = DirCache.read(reader, parent.getTree());
                DirCacheEntry entry = index.getEntry(path);
                if (entry == null) {
                    throw new IllegalArgumentException("no " + path + " in " + repo);
                }
                byte[] old = reader.open(entry.getObjectId()).getBytes();
                byte[] changed = (new String(old, StandardCharsets.UTF_8) + line + "\n").getBytes(StandardCharsets.UTF_8);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, changed));
                return commit(repository, inserter, index.writeTree(inserter), parent, "change " + path + "\n");
            }
        }
    }

    private static String commit(Repository repository, ObjectInserter inserter, ObjectId tree, RevCommit parent,
                                 String message) throws IOException {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        if (parent != null) {
            commit.setParentId(parent);
        }
        commit.setAuthor(WHO);
        commit.setCommitter(WHO);
        commit.setMessage(message);
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        RefUpdate update = repository.updateRef(Constants.R_HEADS + "main");
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FAST_FORWARD
                && result != RefUpdate.Result.FORCED) {
            throw new IOException("could not move main: " + result);
        }
        return id.name();
    }

    /** Counts what the default filter would read, by path and size (as the job's first pass does). */
    static Indexable indexable(Path zip, FileFilter filter) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            int files = 0;
            long bytes = 0;
            int all = 0;
            long allBytes = 0;
            for (ZipEntry entry : entries(archive)) {
                all++;
                allBytes += entry.getSize();
                if (filter.checkPath(SourceFile.regular(entry.getName(), entry.getSize(), "0")).isEmpty()) {
                    files++;
                    bytes += entry.getSize();
                }
            }
            return new Indexable(files, bytes, all, allBytes);
        }
    }

    /** Unpacks the files the filter keeps into {@code dir}, so a baseline reads the same files. */
    static void unpackIndexable(Path zip, FileFilter filter, Path dir) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : entries(archive)) {
                if (filter.checkPath(SourceFile.regular(entry.getName(), entry.getSize(), "0")).isPresent()) {
                    continue;
                }
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                try (var in = archive.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
    }

    private static List<ZipEntry> entries(ZipFile archive) {
        List<ZipEntry> entries = new ArrayList<>();
        archive.stream().filter(e -> !e.isDirectory()).forEach(entries::add);
        entries.sort(Comparator.comparing(ZipEntry::getName));
        return entries;
    }
}

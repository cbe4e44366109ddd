package dev.reporag.bench;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A corpus that is a whole application repository: this repository itself at one commit
 * ({@code -Dbench.corpus=repo:<commit>}), read from the .git that holds the working directory and
 * written into a fresh bare repository with one commit, so that repo-rag ingests exactly the files
 * the LangChain4j recipe is given.
 *
 * @param files path in the repository to its text, in tree order
 */
record RepoCorpus(Path repository, String commit, Map<String, String> files) {
    static final String PREFIX = "repo:";

    static boolean isRepo(String corpus) {
        return corpus.startsWith(PREFIX);
    }

    /** The commit named by a {@code repo:<commit>} corpus. */
    static String revision(String corpus) {
        return corpus.substring(PREFIX.length());
    }

    /**
     * The text files of {@code revision} up to {@code maxBytes}: regular files only (no symlinks or
     * submodules), valid UTF-8 without NUL, not blank (LangChain4j refuses blank documents).
     */
    static Map<String, String> read(String revision, long maxBytes) throws IOException {
        try (Repository source = openOwnRepository()) {
            ObjectId commit = resolve(source, revision);
            Map<String, String> files = new LinkedHashMap<>();
            try (RevWalk walk = new RevWalk(source); TreeWalk tree = new TreeWalk(source)) {
                tree.addTree(walk.parseCommit(commit).getTree());
                tree.setRecursive(true);
                ObjectReader reader = tree.getObjectReader();
                while (tree.next()) {
                    FileMode mode = tree.getFileMode(0);
                    ObjectId blob = tree.getObjectId(0);
                    if ((mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE)
                            || reader.getObjectSize(blob, Constants.OBJ_BLOB) > maxBytes) {
                        continue;
                    }
                    String text = text(reader.open(blob, Constants.OBJ_BLOB).getBytes());
                    if (text != null && !text.isBlank()) {
                        files.put(tree.getPathString(), text);
                    }
                }
            }
            return files;
        }
    }

    /** Writes the files of {@code revision} as the one commit of a new bare repository at {@code repository}. */
    static RepoCorpus extract(String revision, long maxBytes, Path repository) throws Exception {
        Map<String, String> files = read(revision, maxBytes);
        Files.createDirectories(repository);
        try (Git git = Git.init().setBare(true).setDirectory(repository.toFile()).setInitialBranch("main").call();
             ObjectInserter inserter = git.getRepository().newObjectInserter()) {
            // Built straight into a tree, not through a working tree and `git add`: the corpus's own
            // .gitignore would otherwise keep tracked files that match it out of the commit.
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, String> file : files.entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, bytes));
                builder.add(entry);
            }
            builder.finish();
            PersonIdent bench = new PersonIdent("bench", "bench@example.com");
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            commit.setAuthor(bench);
            commit.setCommitter(bench);
            commit.setMessage("repo-rag at " + revision);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate main = git.getRepository().updateRef(Constants.R_HEADS + "main");
            main.setNewObjectId(id);
            RefUpdate.Result result = main.update();
            if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED) {
                throw new IllegalStateException("could not write the corpus commit in " + repository + ": " + result);
            }
            return new RepoCorpus(repository, id.getName(), files);
        }
    }

    /** The repository this process runs in, found from the working directory upwards. */
    private static Repository openOwnRepository() throws IOException {
        File here = new File(System.getProperty("user.dir")).getAbsoluteFile();
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(here);
        if (builder.getGitDir() == null) {
            throw new IllegalStateException("no Git repository at or above " + here
                    + "; run the bench from inside a clone of repo-rag for a repo: corpus");
        }
        return builder.setMustExist(true).build();
    }

    private static ObjectId resolve(Repository repository, String revision) {
        ObjectId commit;
        String why;
        try {
            commit = repository.resolve(revision + "^{commit}");
            why = "not found";
        } catch (IOException | RuntimeException e) { // unknown full id, ambiguous abbreviation, not a commit
            commit = null;
            why = e.getMessage();
        }
        if (commit == null) {
            throw new IllegalStateException("no commit '" + revision + "' in " + repository.getDirectory() + " ("
                    + why + "); give -Dbench.corpus=repo:<commit> a commit of this repository, fetched here");
        }
        return commit;
    }

    /** The text of a blob, or null when it is not UTF-8 text (invalid bytes, or a NUL anywhere). */
    private static String text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

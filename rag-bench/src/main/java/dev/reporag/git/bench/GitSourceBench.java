package dev.reporag.git.bench;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.Snapshot;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Clone, list, read and re-open a large real repository (the JDK's own sources, from the
 * Temurin 25 src.zip, committed once into a bare repository under the work directory) through
 * {@link JGitRepositorySource} over a local path. Prints its figures.
 *
 * <p>Arguments: [src.zip] [work directory]; defaults: Temurin 25's src.zip, $TMPDIR/reporag-git-bench.
 */
public final class GitSourceBench {
    private GitSourceBench() {
    }

    public static void main(String[] args) throws Exception {
        Path zip = Path.of(args.length > 0 ? args[0] : "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");
        Path work = args.length > 1 ? Path.of(args[1]).toAbsolutePath()
                : Path.of(System.getProperty("java.io.tmpdir"), "reporag-git-bench");
        Path repo = work.resolve("jdk.git");
        if (!Files.isDirectory(repo)) {
            long t = System.nanoTime();
            int files = commitZip(zip, repo);
            System.out.printf("made %s: %d files in %d ms%n", repo, files, ms(t));
        }
        Path cache = work.resolve("cache");
        deleteRecursively(cache);
        JGitRepositorySource source = new JGitRepositorySource(
                GitSourceSettings.defaults(cache).withAllowLocalSources(true).withMaxRepositoryBytes(1L << 30));
        Project project = new Project(ProjectId.random(), "jdk", repo.toString(), null, Instant.now());

        long t = System.nanoTime();
        String commit;
        try (Snapshot snapshot = source.open(project)) {
            commit = snapshot.commit();
            System.out.printf("first open (shallow clone, depth 1): %d ms, cache %.1f MB%n", ms(t),
                    size(cache) / 1e6);

            t = System.nanoTime();
            List<SourceFile> files;
            try (Stream<SourceFile> stream = snapshot.files()) {
                files = stream.toList();
            }
            System.out.printf("files(): %d entries in %d ms%n", files.size(), ms(t));

            t = System.nanoTime();
            long bytes = 0;
            int read = 0;
            for (SourceFile file : files) {
                if (file.kind() == FileKind.REGULAR && file.size() <= 50_000) {
                    bytes += snapshot.read(file).length;
                    read++;
                }
            }
            long took = ms(t);
            System.out.printf("read(): %d files <= 50 KB, %.1f MB in %d ms = %.0f MB/s%n", read, bytes / 1e6, took,
                    bytes / 1e6 / (took / 1000.0));
        }
        t = System.nanoTime();
        try (Snapshot again = source.open(project)) {
            long reopen = ms(t);
            t = System.nanoTime();
            boolean empty = again.changesSince(commit).orElseThrow().isEmpty();
            System.out.printf("second open (fetch, nothing new): %d ms; changesSince(same commit) %d ms, empty=%s%n",
                    reopen, ms(t), empty);
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("heap: max %d MB, used now %d MB%n", runtime.maxMemory() >> 20,
                (runtime.totalMemory() - runtime.freeMemory()) >> 20);
    }

    private static int commitZip(Path zip, Path repo) throws Exception {
        try (Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(repo.toFile()).call();
             ZipFile archive = new ZipFile(zip.toFile())) {
            Repository repository = git.getRepository();
            List<ZipEntry> entries = new ArrayList<>();
            archive.stream().filter(e -> !e.isDirectory()).forEach(entries::add);
            entries.sort(Comparator.comparing(ZipEntry::getName));
            try (ObjectInserter inserter = ((ObjectDirectory) repository.getObjectDatabase()).newPackInserter()) {
                DirCache index = DirCache.newInCore();
                DirCacheBuilder builder = index.builder();
                for (ZipEntry entry : entries) {
                    byte[] content = archive.getInputStream(entry).readAllBytes();
                    DirCacheEntry e = new DirCacheEntry(entry.getName());
                    e.setFileMode(FileMode.REGULAR_FILE);
                    e.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
                    builder.add(e);
                }
                builder.finish();
                ObjectId tree = index.writeTree(inserter);
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(tree);
                PersonIdent who = new PersonIdent("bench", "bench@example.com");
                commit.setAuthor(who);
                commit.setCommitter(who);
                commit.setMessage("JDK sources\n");
                ObjectId id = inserter.insert(commit);
                inserter.flush();
                RefUpdate update = repository.updateRef(Constants.R_HEADS + "main");
                update.setNewObjectId(id);
                update.update();
            }
            return entries.size();
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

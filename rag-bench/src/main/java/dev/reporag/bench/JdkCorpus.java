package dev.reporag.bench;

import org.eclipse.jgit.api.Git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A fixed, offline corpus: one package tree of the JDK's own sources (lib/src.zip of an installed
 * JDK), written into a fresh Git repository with one commit.
 *
 * @param files path in the repository to its text, in zip order
 */
record JdkCorpus(Path repository, String commit, Map<String, String> files) {
    static final Path SRC_ZIP = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");

    /** Files under {@code module/prefix} up to {@code maxBytes}, stored as {@code prefix...}. */
    static JdkCorpus extract(Path zip, String module, String prefix, long maxBytes, Path repository)
            throws Exception {
        Map<String, String> files = read(zip, module, prefix, maxBytes);
        Files.createDirectories(repository);
        try (Git git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = repository.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            git.add().addFilepattern(".").call();
            String commit = git.commit().setMessage("JDK sources " + prefix).setAuthor("bench", "bench@example.com")
                    .setCommitter("bench", "bench@example.com").setSign(false).call().getName();
            return new JdkCorpus(repository, commit, files);
        }
    }

    static Map<String, String> read(Path zip, String module, String prefix, long maxBytes) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("no JDK sources at " + zip + "; pass another src.zip with -Dbench.srcZip");
        }
        Map<String, String> files = new LinkedHashMap<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(module + "/" + prefix) || !name.endsWith(".java")
                        || entry.getSize() > maxBytes) {
                    continue;
                }
                try (InputStream in = archive.getInputStream(entry)) {
                    files.put(name.substring(module.length() + 1),
                            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    long bytes() {
        return files.values().stream().mapToLong(String::length).sum();
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

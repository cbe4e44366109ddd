package dev.reporag.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A repository of the benchmark, pinned at a commit, read from the bare Git directory the search
 * tool's {@code fetch} made ({@code <mirrors>/<owner>+<name>/repo}).
 */
record BenchRepository(String name, String commit, String language) {
    /** The benchmark's repositories, those of the default run. */
    static List<BenchRepository> all() throws IOException {
        return read("/repositories.tsv");
    }

    /** Repositories in other languages, run only when named. */
    static List<BenchRepository> extra() throws IOException {
        return read("/repositories-extra.tsv");
    }

    private static List<BenchRepository> read(String resource) throws IOException {
        List<BenchRepository> repositories = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                BenchRepository.class.getResourceAsStream(resource)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.split("\t");
                    repositories.add(new BenchRepository(f[0], f[1], f[2]));
                }
            }
        }
        return repositories;
    }

    /** {@code owner+name}: the mirror's directory name, and the held-out set's file name. */
    String key() {
        return name.replace('/', '+');
    }

    Path gitDir(Path mirrors) {
        Path dir = mirrors.resolve(key()).resolve("repo");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no Git directory " + dir + ": fetch " + name + " first (the search"
                    + " tool's fetch github:" + name + ")");
        }
        return dir;
    }
}

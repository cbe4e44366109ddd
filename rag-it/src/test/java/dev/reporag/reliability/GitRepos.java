package dev.reporag.reliability;

import org.eclipse.jgit.api.Git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Real Git repositories written by the tests with JGit. */
final class GitRepos {
    private GitRepos() {
    }

    /** Commits {@code files} (path to content) as the first commit of a new repository on main. */
    static Path create(Path dir, Map<String, byte[]> files) throws Exception {
        Files.createDirectories(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
            git.add().addFilepattern(".").call();
            commit(git, "initial");
        }
        return dir;
    }

    static void commit(Git git, String message) throws Exception {
        git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").setSign(false).call();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code count} files of generated Java, the same on every run: about {@code chunksPerFile}
     * chunks of 1,000 characters each.
     */
    static Map<String, byte[]> generatedCode(int count, int chunksPerFile) {
        Random random = new Random(20261124);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int f = 0; f < count; f++) {
            StringBuilder text = new StringBuilder("package demo.p" + (f % 7) + ";\n\npublic class Service" + f + " {\n");
            int methods = chunksPerFile * 8;
            for (int m = 0; m < methods; m++) {
                text.append("    int computeValue").append(m).append("(int input) {\n")
                        .append("        return input * ").append(random.nextInt(1000)).append(" + ")
                        .append(random.nextInt(1000)).append(";\n    }\n\n");
            }
            files.put("src/demo/p" + (f % 7) + "/Service" + f + ".java", utf8(text.append("}\n").toString()));
        }
        return files;
    }
}

package dev.reporag.cli;

import org.eclipse.jgit.api.Git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Real Git repositories made by the tests. */
final class TestRepos {
    private TestRepos() {
    }

    static Path create(Path dir, Map<String, String> files) throws Exception {
        Files.createDirectories(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            commit(git, dir, files, "initial");
        }
        return dir;
    }

    static void commit(Path dir, Map<String, String> files, String message) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            commit(git, dir, files, message);
        }
    }

    private static void commit(Git git, Path dir, Map<String, String> files, String message) throws Exception {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
            git.add().addFilepattern(file.getKey()).call();
        }
        git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").setSign(false).call();
    }

    /** A small code base with a few files worth asking about. */
    static Map<String, String> shop() {
        StringBuilder cart = new StringBuilder("package shop;\n\nclass Cart {\n");
        for (int i = 0; i < 40; i++) {
            cart.append("    // cart line ").append(i).append(" keeps the items sorted\n");
        }
        cart.append("    Money total() {\n        return items.stream().map(Item::price).reduce(Money.ZERO, Money::plus);\n")
                .append("    }\n}\n");
        return Map.of(
                "src/shop/Cart.java", cart.toString(),
                "src/shop/ConfigLoader.java", "package shop;\n\nclass ConfigLoader {\n"
                        + "    static Config parseConfigFile(Path path) throws IOException {\n"
                        + "        return Config.of(Files.readString(path));\n    }\n}\n",
                "src/shop/Payments.java", "package shop;\n\nclass StripeGateway {\n    void charge(Money m) {}\n}\n",
                "README.md", "# Shop\nA demo shop.\n",
                ".env", "STRIPE_KEY=sk_live_123\n");
    }
}

package dev.reporag.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DJL unpacks its tokenizer's native library into {@code DJL_CACHE_DIR}, else {@code ~/.djl.ai}.
 * When neither is usable (a read-only home, as in some containers), point it at a directory in
 * the temp dir rather than fail. The directory configured is given by the caller (the composition
 * root reads the environment), so this adapter reads no environment itself.
 */
final class DjlCache {
    private static final String KEY = "DJL_CACHE_DIR";

    private DjlCache() {
    }

    /** @param configured the directory the user chose ({@code DJL_CACHE_DIR}); null or blank for none */
    static synchronized void configure(String configured) {
        if (System.getProperty(KEY) != null) {
            return;
        }
        if (configured != null && !configured.isBlank()) {
            System.setProperty(KEY, configured.strip());
            return;
        }
        Path home = Path.of(System.getProperty("user.home"), ".djl.ai");
        if (writable(home)) {
            return;
        }
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "djl-" + System.getProperty("user.name"));
        System.setProperty(KEY, fallback.toString());
    }

    private static boolean writable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}

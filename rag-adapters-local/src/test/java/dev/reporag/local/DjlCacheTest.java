package dev.reporag.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DjlCacheTest {
    @Test
    void anUnwritableHomeMovesTheNativeCacheToTheTempDir(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("DJL_CACHE_DIR") == null, "DJL_CACHE_DIR is set, so it wins");
        Path notADirectory = Files.writeString(dir.resolve("home"), "a file, so nothing can be created under it");
        String home = System.getProperty("user.home");
        try {
            System.setProperty("user.home", notADirectory.toString());
            DjlCache.configure(null);
            assertThat(System.getProperty("DJL_CACHE_DIR")).startsWith(System.getProperty("java.io.tmpdir"));
        } finally {
            System.setProperty("user.home", home);
            System.clearProperty("DJL_CACHE_DIR");
        }
    }

    @Test
    void theDirectoryTheCallerReadIsTheOneDjlUses(@TempDir Path dir) {
        assumeTrue(System.getProperty("DJL_CACHE_DIR") == null, "DJL_CACHE_DIR is set, so it wins");
        try {
            DjlCache.configure(dir.toString());
            assertThat(System.getProperty("DJL_CACHE_DIR")).isEqualTo(dir.toString());
        } finally {
            System.clearProperty("DJL_CACHE_DIR");
        }
    }
}

package dev.reporag.core.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunk ids are what a resumed or incremental job reconciles against: they must never change. */
class ChunkIdTest {
    @Test
    void idsAreNameBasedUuidsOfProjectPathLinesAndContentHash() {
        Chunk chunk = Chunk.of(new ProjectId("shop"), "src/Cart.java", "java", 3, 7, "class Cart {}\n");

        // Fixed values (computed outside Java): a change here re-embeds every stored chunk.
        assertThat(chunk.contentHash()).isEqualTo("d4f81a0411aceafb08e33bcae9414ae292a5175ea48b1dc889ff657b361e2d35");
        assertThat(chunk.id()).isEqualTo("9c2f33c3-e75a-36ad-b2bd-e108a455ceed");
    }

    @Test
    void theDigestPerThreadGivesTheSameUuidsAsTheJdk() {
        for (int i = 0; i < 2_000; i++) {
            byte[] name = ("project\npath/" + i + "\n" + i + "\n" + (i * 7) + "\n" + "x".repeat(i % 97))
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(Chunk.nameUuid(name)).isEqualTo(UUID.nameUUIDFromBytes(name));
        }
    }
}

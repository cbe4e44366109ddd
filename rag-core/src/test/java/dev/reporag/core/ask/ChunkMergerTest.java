package dev.reporag.core.ask;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkMergerTest {
    private final ProjectId project = ProjectId.random();

    private ScoredChunk hit(String path, int line) {
        return new ScoredChunk(Chunk.of(project, path, "java", line, line, "line " + line + "\n"), 1);
    }

    @Test
    void oneBigFileDoesNotCrowdOutTheOthers() {
        List<ScoredChunk> ranked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ranked.add(hit("Big.java", 10 + i * 10)); // eight separate places in one file
        }
        ranked.add(hit("Small.java", 1));
        ranked.add(hit("Other.java", 1));

        List<Chunk> sources = ChunkMerger.merge(ranked, 6);

        assertThat(sources).extracting(Chunk::path)
                .containsExactly("Big.java", "Big.java", "Big.java", "Small.java", "Other.java");
        assertThat(sources.subList(0, 3)).extracting(Chunk::startLine).containsExactly(10, 20, 30);
    }

    @Test
    void adjacentChunksStillMergeIntoAFileThatIsAtItsCap() {
        List<ScoredChunk> ranked = List.of(hit("Big.java", 10), hit("Big.java", 20), hit("Big.java", 30),
                hit("Big.java", 31), hit("Big.java", 50));

        List<Chunk> sources = ChunkMerger.merge(ranked, 6);

        assertThat(sources).hasSize(3);
        assertThat(sources.get(2).startLine()).isEqualTo(30);
        assertThat(sources.get(2).endLine()).isEqualTo(31);
    }
}

package dev.reporag.core.policy;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PoliciesTest {
    @Test
    void batchPolicyCapsInputsAndTokens() {
        BatchPolicy policy = new BatchPolicy(3, 100, Duration.ZERO, 1);
        assertThat(policy.canAdd(0, 0, 500, Long.MAX_VALUE)).isTrue(); // an oversized text still goes alone
        assertThat(policy.canAdd(2, 50, 50, Long.MAX_VALUE)).isTrue();
        assertThat(policy.canAdd(2, 60, 50, Long.MAX_VALUE)).isFalse();
        assertThat(policy.canAdd(3, 10, 1, Long.MAX_VALUE)).isFalse();
        // A lower cap (the provider's, or half the server's bucket) wins over the policy's.
        assertThat(policy.canAdd(1, 30, 30, 50)).isFalse();
        assertThat(policy.canAdd(1, 20, 30, 50)).isTrue();
    }

    @Test
    void retryBacksOffExponentiallyWithJitterAndCaps() {
        RetryPolicy retry = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(retry.delay(1, Optional.empty(), 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(retry.delay(1, Optional.empty(), 0.999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(retry.delay(3, Optional.empty(), 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.delay(30, Optional.empty(), 0.5)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(retry.allowsRetry(4)).isTrue();
        assertThat(retry.allowsRetry(5)).isFalse();
    }

    @Test
    void retryHonoursTheServerButCapsIt() {
        RetryPolicy retry = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(retry.delay(1, Optional.of(Duration.ofSeconds(7)), 0.3)).isEqualTo(Duration.ofSeconds(7));
        assertThat(retry.delay(1, Optional.of(Duration.ofHours(1)), 0.3)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rankFusionRewardsAgreement() {
        ProjectId p = ProjectId.random();
        Chunk a = Chunk.of(p, "a", "java", 1, 1, "a");
        Chunk b = Chunk.of(p, "b", "java", 1, 1, "b");
        Chunk c = Chunk.of(p, "c", "java", 1, 1, "c");
        List<ScoredChunk> vector = List.of(new ScoredChunk(a, 0.9), new ScoredChunk(b, 0.8), new ScoredChunk(c, 0.1));
        List<ScoredChunk> keyword = List.of(new ScoredChunk(b, 12), new ScoredChunk(c, 3));

        List<ScoredChunk> fused = RankFusion.fuse(List.of(vector, keyword), 2);

        assertThat(fused).extracting(s -> s.chunk().path()).containsExactly("b", "c");
    }

    @Test
    void settingsValidateTogether() {
        RagSettings settings = RagSettings.builder().chunkSize(500).chunkOverlap(100).topK(3).build();
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RagSettings.builder().chunkSize(100)
                .chunkOverlap(80).build()).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.reporag.cli;

import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.openai.OpenAiEmbeddingSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each embedding setting means one thing, set in one place: the one dispatcher's policy. */
class DispatchSettingsTest {
    private static final OpenAiEmbedder API = new OpenAiEmbedder(OpenAiEmbeddingSettings.of("sk-test"));

    @Test
    void withAnApiKeyNothingSetMeansOpenAisTierOneFourInFlightAndTwentyFivePerRequest() {
        RagSettings settings = Wiring.ragSettings(Config.fromEnvironment(Map.of()), API);

        assertThat(settings.batch().maxInputs()).isEqualTo(25);
        assertThat(settings.batch().concurrency()).isEqualTo(4);
        assertThat(settings.batch().minDelay()).isZero();
        assertThat(settings.rateLimits()).isEqualTo(RateLimits.OPENAI_TIER_1);
    }

    @Test
    void inProcessTwoRequestsAreInFlightAndNothingIsRateLimited() {
        RagSettings settings = Wiring.ragSettings(Config.fromEnvironment(Map.of()), new HashingEmbedder());

        assertThat(settings.batch().concurrency()).isEqualTo(2);
        assertThat(settings.batch().maxInputs()).isEqualTo(25);
        assertThat(settings.rateLimits()).isEqualTo(RateLimits.NONE);
    }

    @Test
    void theVariablesAndFlagsSetTheDispatcher() {
        Config config = Config.fromEnvironment(Map.of("RAG_BATCH_SIZE", "10", "RAG_DELAY", "1.5",
                "RAG_CONCURRENCY", "3", "RAG_RPM", "500", "RAG_TPM", "40000")).withBatchSize(12).withDelay(0.25);

        RagSettings settings = Wiring.ragSettings(config, API);

        assertThat(settings.batch().maxInputs()).isEqualTo(12);
        assertThat(settings.batch().minDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.batch().concurrency()).isEqualTo(3);
        assertThat(settings.rateLimits()).isEqualTo(new RateLimits(500, 40_000));
    }

    @Test
    void groqHasABaseUrlSetting() {
        assertThat(Config.fromEnvironment(Map.of("GROQ_BASE_URL", "https://groq-proxy.example.com/openai/v1"))
                .groqBaseUrl()).isEqualTo("https://groq-proxy.example.com/openai/v1");
        assertThat(Config.fromEnvironment(Map.of()).groqBaseUrl()).isNull();
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("GROQ_BASE_URL", "groq")))
                .hasMessage("GROQ_BASE_URL must be an http(s) URL, got 'groq'");
    }
}

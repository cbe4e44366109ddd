package dev.reporag.cli;

import dev.reporag.http.HttpSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @Test
    void storedLocalProjectsAreProcessableOnlyOnTheEmbeddedStoreUnlessAllowed() {
        assertThat(Config.fromEnvironment(Map.of()).forStoredProjects().allowLocalSources()).isTrue();
        assertThat(Config.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:p@db/rag")).forStoredProjects()
                .allowLocalSources()).isFalse();
        assertThat(Config.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:p@db/rag",
                "RAG_ALLOW_LOCAL_SOURCES", "true")).forStoredProjects().allowLocalSources()).isTrue();
    }

    @Test
    void aZeroTimeLimitIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("RAG_TIMEOUT", "0"))).isInstanceOf(ConfigException.class)
                .hasMessage("RAG_TIMEOUT must be more than 0 seconds (it bounds each call; at most 3600), got '0'");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("RAG_GIT_TIMEOUT", "0.0001")))
                .hasMessageStartingWith("RAG_GIT_TIMEOUT must be more than 0 seconds");
        assertThat(Config.fromEnvironment(Map.of("RAG_TIMEOUT", "0.5")).timeout()).hasMillis(500);
        assertThat(Config.fromEnvironment(Map.of("RAG_DELAY", "0")).delay()).isZero();
    }

    @Test
    void gitTokensComePerHostFromTheEnvironmentAndAreNeverEchoed() {
        Config config = Config.fromEnvironment(Map.of("GITHUB_TOKEN", "ghp-one", "RAG_GIT_TOKEN_GITLAB_COM", "glpat-two",
                "RAG_GIT_TOKENS", "git.my-company.example=ci:three, codeberg.org=four"));
        assertThat(config.gitTokens()).containsExactlyInAnyOrderEntriesOf(Map.of("github.com", "ghp-one",
                "gitlab.com", "glpat-two", "git.my-company.example", "ci:three", "codeberg.org", "four"));
        assertThat(config.toString()).doesNotContain("ghp-one", "glpat-two", "three", "four");
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("RAG_GIT_TOKENS", "s3cretwithouthost")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host=token")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void globListsAreCutAtCommasOutsideBraces() {
        Config config = Config.fromEnvironment(Map.of("RAG_INCLUDE", "docs/{guide,api}/**, *.rst",
                "RAG_EXCLUDE", "examples/**,*.{csv,tsv}"));
        assertThat(config.includes()).containsExactly("docs/{guide,api}/**", "*.rst");
        assertThat(config.excludes()).containsExactly("examples/**", "*.{csv,tsv}");
    }

    @Test
    void theDataDirectoryIsRagHomeElseOneInTheUsersHome() {
        String userHome = System.getProperty("user.home");
        assertThat(Config.fromEnvironment(Map.of("RAG_HOME", "/data/rag")).home()).isEqualTo(Path.of("/data/rag"));
        assertThat(Config.fromEnvironment(Map.of()).home()).isEqualTo(Path.of(userHome, ".repo-rag"));
        assertThat(Config.fromEnvironment(Map.of("RAG_HOME", " ")).home()).isEqualTo(Path.of(userHome, ".repo-rag"));
        assertThat(Config.fromEnvironment(Map.of("DJL_CACHE_DIR", "/cache/djl")).nativeCacheDir()).isEqualTo("/cache/djl");
        assertThat(Config.fromEnvironment(Map.of()).nativeCacheDir()).isNull();
    }

    @Test
    void theHttpServiceSettingsComeFromTheSameEnvironment() {
        HttpSettings http = Config.httpSettings(Map.of("RAG_ADMIN_TOKEN", " t0k ", "RAG_CORS_ORIGINS",
                "https://a.example, https://b.example", "RAG_ASK_RATE_PER_MINUTE", "7", "RAG_TRUST_PROXY",
                "true", "RAG_SSE_POLL_MS", "250", "RAG_MAX_BODY_BYTES", "2048", "RAG_WEBHOOK_SECRET", "w",
                "RAG_WEBHOOK_MAX_BYTES", "4096"));

        assertThat(http).isEqualTo(new HttpSettings("t0k", List.of("https://a.example", "https://b.example"), 2048, 7,
                true, Duration.ofMillis(250), "w", 4096));
        assertThat(Config.httpSettings(Map.of())).isEqualTo(HttpSettings.defaults());
        assertThatThrownBy(() -> Config.httpSettings(Map.of("RAG_ASK_RATE_PER_MINUTE", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAG_ASK_RATE_PER_MINUTE must be a whole number from 0 to 2147483647, got 'lots'");
        assertThatThrownBy(() -> Config.httpSettings(Map.of("RAG_ASK_RATE_PER_MINUTE", "3000000000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("from 0 to 2147483647");
        assertThat(Config.httpSettings(Map.of("RAG_WEBHOOK_MAX_BYTES", "10_485_760")).webhookMaxBytes())
                .isEqualTo(10_485_760);
        assertThatThrownBy(() -> Config.httpSettings(Map.of("RAG_MAX_BODY_BYTES", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("body limit");
    }

    @Test
    void everyWholeNumberIsReadOneWayUnderscoresIncluded() {
        assertThat(Config.fromEnvironment(Map.of("RAG_TPM", "2_000_000")).tpm()).isEqualTo(2_000_000);
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("RAG_TPM", "2_000_000_000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAG_TPM must be a whole number from 1 to 1000000000, got '2_000_000_000'");
    }
}

package dev.reporag.cli;

import org.junit.jupiter.api.Test;

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
}

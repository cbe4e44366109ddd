package dev.reporag.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigTest {
    @Test
    void storedLocalProjectsAreProcessableOnlyOnTheEmbeddedStoreUnlessAllowed() {
        assertThat(Config.fromEnvironment(Map.of()).forStoredProjects().allowLocalSources()).isTrue();
        assertThat(Config.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:p@db/rag")).forStoredProjects()
                .allowLocalSources()).isFalse();
        assertThat(Config.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:p@db/rag",
                "RAG_ALLOW_LOCAL_SOURCES", "true")).forStoredProjects().allowLocalSources()).isTrue();
    }
}

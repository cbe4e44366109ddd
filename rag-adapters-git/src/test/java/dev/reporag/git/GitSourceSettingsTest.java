package dev.reporag.git;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitSourceSettingsTest {
    private static final Path CACHE = Path.of("/tmp/rag-git");

    @Test
    void theBuilderAndTheWithersMakeTheSameSettings() {
        GitSourceSettings built = GitSourceSettings.builder(CACHE).allowLocalSources(true)
                .allowedHosts(Set.of(" GitHub.com ")).timeout(Duration.ofSeconds(30)).maxRepositoryBytes(1024)
                .maxFileBytes(512).token("gitlab.com", "ci:glpat").gitHubToken(" ghp ").build();
        GitSourceSettings withers = GitSourceSettings.defaults(CACHE).withAllowLocalSources(true)
                .withAllowedHosts(Set.of(" GitHub.com ")).withTimeout(Duration.ofSeconds(30)).withMaxRepositoryBytes(1024)
                .withMaxFileBytes(512).withToken("gitlab.com", "ci:glpat").withGitHubToken(" ghp ");

        assertThat(built).isEqualTo(withers);
        assertThat(built.allowedHosts()).containsExactly("github.com");
        assertThat(built.credentials()).containsOnlyKeys("gitlab.com", "github.com");
        assertThat(built.credentials().get("gitlab.com")).isEqualTo(new GitSourceSettings.HostCredentials("ci", "glpat"));
        assertThat(built.credentials().get("github.com"))
                .isEqualTo(new GitSourceSettings.HostCredentials("x-access-token", "ghp"));
        assertThat(GitSourceSettings.builder(CACHE).token("a.example", " ").gitHubToken(null).build())
                .isEqualTo(GitSourceSettings.defaults(CACHE));
    }

    @Test
    void aBuilderLeavesTheSettingsItStartedFromAsTheyWere() {
        GitSourceSettings defaults = GitSourceSettings.defaults(CACHE);
        defaults.toBuilder().credentials("a.example", "u", "s").build();

        assertThat(defaults.credentials()).isEmpty();
        assertThatThrownBy(() -> defaults.toBuilder().timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }
}

package dev.reporag.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LanguagesTest {
    @Test
    void aLanguageNamedAsNotebookKernelsNameIt() {
        assertThat(Languages.named("python")).isEqualTo("python");
        assertThat(Languages.named("R")).isEqualTo("r");
        assertThat(Languages.named("Julia")).isEqualTo("julia");
        assertThat(Languages.named("en")).isNull();
        assertThat(Languages.named("text")).isNull();
    }

    @Test
    void aPathsExtensionNamesItsLanguage() {
        assertThat(Languages.ofPath("src/App.kt")).isEqualTo("kotlin");
        assertThat(Languages.ofPath("analysis/churn.ipynb")).isEqualTo("text");
        assertThat(Languages.ofPath("Dockerfile")).isEqualTo("dockerfile");
    }
}

package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryNameTest {
    @Test
    void theWaysOfWritingOneRepositoryNameIt() {
        assertThat(Set.of("https://github.com/acme/shop", "https://github.com/acme/shop.git",
                "https://github.com/acme/shop/", "https://GitHub.com/acme/shop.git/", "http://github.com/acme/shop",
                "https://token@github.com/acme/shop.git", "ssh://git@github.com/acme/shop.git",
                "git@github.com:acme/shop.git", "git@github.com:/acme/shop")
                .stream().map(RepositoryName::of).collect(Collectors.toSet()))
                .containsExactly("github.com/acme/shop");
        assertThat(RepositoryName.of("/work/shop/.git")).isEqualTo(RepositoryName.of("/work/shop/"))
                .isEqualTo(RepositoryName.of("file:///work/shop")).isEqualTo("/work/shop");
        assertThat(Set.of("https://github.com/acme/shop", "https://github.com/acme/shop-fork",
                "https://github.com/other/shop", "https://gitlab.com/acme/shop", "/work/shop", "/work/shop.git")
                .stream().map(RepositoryName::of).collect(Collectors.toSet()))
                .as("other repositories stay apart").hasSize(6);
    }
}

package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryPageTest {
    private static void page(String address, String source, String ref) {
        assertThat(RepositoryPage.of(address, path -> path.startsWith("here/"))).as(address)
                .isEqualTo(new RepositoryPage(source, ref));
    }

    @Test
    void aPageOfAGitHostNamesItsRepositoryAndTheRefItShows() {
        page("https://github.com/jhy/jsoup/tree/master/src/main", "https://github.com/jhy/jsoup", "master");
        page("https://github.com/jhy/jsoup/blob/1.17.2/README.md#L10", "https://github.com/jhy/jsoup", "1.17.2");
        page("https://github.com/jhy/jsoup/commit/46b620860af9", "https://github.com/jhy/jsoup", "46b620860af9");
        page("https://github.com/jhy/jsoup/releases/tag/jsoup-1.17.2", "https://github.com/jhy/jsoup", "jsoup-1.17.2");
        page("https://github.com/jhy/jsoup/issues/2000", "https://github.com/jhy/jsoup", null);
        page("https://github.com/jhy/jsoup/tree/develop?tab=readme", "https://github.com/jhy/jsoup", "develop");
        page("https://gitlab.com/group/sub/project/-/tree/main/src", "https://gitlab.com/group/sub/project", "main");
        page("https://git.example.org/team/app/-/blob/v2/pom.xml", "https://git.example.org/team/app", "v2");
        page("https://gitlab.com/group/project/-/merge_requests/3", "https://gitlab.com/group/project", null);
        page("https://bitbucket.org/acme/shop/src/develop/app.py", "https://bitbucket.org/acme/shop", "develop");
        page("https://codeberg.org/forgejo/forgejo/src/branch/forgejo/go.mod", "https://codeberg.org/forgejo/forgejo",
                "forgejo");
        page("https://codeberg.org/forgejo/forgejo/src/tag/v9.0.0", "https://codeberg.org/forgejo/forgejo", "v9.0.0");
        page("https://dev.azure.com/acme/shop/_git/web?path=/src/app.ts&version=GBrelease",
                "https://dev.azure.com/acme/shop/_git/web", "release");
        page("https://dev.azure.com/acme/shop/_git/web?version=GTv2.1&path=/", "https://dev.azure.com/acme/shop/_git/web",
                "v2.1");
        page("https://dev.azure.com/acme/shop/_git/web?path=/README.md", "https://dev.azure.com/acme/shop/_git/web", null);
    }

    /** Addresses of repositories, as they were registered before: left exactly as they are. */
    @Test
    void aRepositorysOwnAddressIsLeftAsItIs() {
        for (String address : new String[]{"https://github.com/jhy/jsoup", "https://github.com/jhy/jsoup.git",
                "https://github.com/jhy/jsoup/", "https://github.com/jhy/jsoup.git/", "https://gitlab.com/group/sub/project",
                "https://git.example.org/team/app.git", "git@github.com:jhy/jsoup.git", "ssh://git@github.com/jhy/jsoup",
                "file:///srv/repo", "/srv/repo", "mem://shop", "https://example.com/tree/main/x",
                "https://acme@dev.azure.com/acme/shop/_git/web"}) {
            page(" " + address + " ", address, null);
        }
    }

    @Test
    void aKnownHostWithoutSchemeIsAnHttpsAddress() {
        page("github.com/jhy/jsoup", "https://github.com/jhy/jsoup", null);
        page("github.com/jhy/jsoup/tree/master", "https://github.com/jhy/jsoup", "master");
        page("gitlab.com/group/project", "https://gitlab.com/group/project", null);
        page("src/github.com/jhy/jsoup", "src/github.com/jhy/jsoup", null);
        assertThat(RepositoryPage.of("github.com/jhy/jsoup", path -> true)).as("a directory of that name is here")
                .isEqualTo(new RepositoryPage("github.com/jhy/jsoup", null));
    }
}

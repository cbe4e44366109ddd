package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryPageTest {
    private static void page(String address, String source, String ref) {
        RepositoryPage page = RepositoryPage.of(address, path -> path.startsWith("here/"));
        assertThat(page.source()).as(address).isEqualTo(source);
        assertThat(page.ref()).as(address).isEqualTo(ref);
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
        page("https://git.example.org/team/app/src/branch/main/cmd/main.go", "https://git.example.org/team/app", "main");
        page("http://gitea.local:3000/team/app/src/commit/46b620860af9", "http://gitea.local:3000/team/app",
                "46b620860af9");
        page("https://git.example.org/team/app/src/tag/v1.2", "https://git.example.org/team/app", "v1.2");
        page("https://bitbucket.example.com/projects/SHOP/repos/web-app/browse/src/app.py?at=refs%2Fheads%2Ffeature%2Flogin",
                "https://bitbucket.example.com/scm/shop/web-app.git", "feature/login");
        page("https://bitbucket.example.com/projects/SHOP/repos/web-app/browse?at=refs/tags/v2.0",
                "https://bitbucket.example.com/scm/shop/web-app.git", "v2.0");
        page("https://code.example.com/bitbucket/projects/SHOP/repos/web-app/commits/46b620860af9",
                "https://code.example.com/bitbucket/scm/shop/web-app.git", "46b620860af9");
        page("https://bitbucket.example.com/users/jdoe/repos/notes/browse",
                "https://bitbucket.example.com/scm/~jdoe/notes.git", null);
        page("https://bitbucket.example.com/projects/SHOP/repos/web-app/pull-requests/12/overview",
                "https://bitbucket.example.com/scm/shop/web-app.git", null);
        page("https://dev.azure.com/acme/shop/_git/web?path=/src/app.ts&version=GBrelease",
                "https://dev.azure.com/acme/shop/_git/web", "release");
        page("https://dev.azure.com/acme/shop/_git/web?version=GTv2.1&path=/", "https://dev.azure.com/acme/shop/_git/web",
                "v2.1");
        page("https://dev.azure.com/acme/shop/_git/web?path=/README.md", "https://dev.azure.com/acme/shop/_git/web", null);
    }

    /** A ref holding '/' looks like a folder in the address: every reading is offered, longest first. */
    @Test
    void aRefAndAPathRunTogetherGiveEveryReadingLongestFirst() {
        RepositoryPage tree = RepositoryPage.of("https://github.com/acme/shop/tree/feature/login/src/", path -> false);
        assertThat(tree.ref()).as("the first segment, a guess").isEqualTo("feature");
        assertThat(tree.refAndPath()).isEqualTo("feature/login/src");
        assertThat(tree.refMayHoldSlashes()).isTrue();
        assertThat(tree.refCandidates()).containsExactly("feature/login/src", "feature/login", "feature");

        RepositoryPage blob = RepositoryPage.of("https://github.com/jhy/jsoup/blob/1.17.2/README.md#L10", path -> false);
        assertThat(blob.refCandidates()).containsExactly("1.17.2/README.md", "1.17.2");
        RepositoryPage gitlab = RepositoryPage.of("https://gitlab.com/g/p/-/blob/release/v2/pom.xml?ref_type=heads",
                path -> false);
        assertThat(gitlab.refCandidates()).containsExactly("release/v2/pom.xml", "release/v2", "release");
        assertThat(RepositoryPage.of("https://codeberg.org/a/b/src/branch/x/y/z.go", path -> false).refCandidates())
                .containsExactly("x/y/z.go", "x/y", "x");
        assertThat(RepositoryPage.of("https://bitbucket.org/a/b/src/fix/bug/app.py", path -> false).refAndPath())
                .isEqualTo("fix/bug/app.py");
        assertThat(RepositoryPage.of("https://github.com/a/b/tree/" + "d/".repeat(20) + "f", path -> false)
                .refCandidates()).as("no deeper than a ref is named").hasSize(8).last().isEqualTo("d");

        for (String whole : new String[]{"https://github.com/jhy/jsoup/tree/master", "https://github.com/jhy/jsoup",
                "https://github.com/jhy/jsoup/commit/46b620860af9", "https://github.com/a/b/issues/3",
                "https://codeberg.org/a/b/src/commit/46b620860af9/x/y.go", "https://gitlab.com/g/p/-/commit/46b62086",
                "https://dev.azure.com/acme/shop/_git/web?version=GBfeature/login&path=/src"}) {
            assertThat(RepositoryPage.of(whole, path -> false).refMayHoldSlashes()).as(whole).isFalse();
        }
        assertThat(RepositoryPage.of("https://dev.azure.com/acme/shop/_git/web?version=GBfeature/login&path=/src",
                path -> false).ref()).as("a query parameter holds the ref whole").isEqualTo("feature/login");
    }

    /** Addresses of repositories, as they were registered before: left exactly as they are. */
    @Test
    void aRepositorysOwnAddressIsLeftAsItIs() {
        for (String address : new String[]{"https://github.com/jhy/jsoup", "https://github.com/jhy/jsoup.git",
                "https://github.com/jhy/jsoup/", "https://github.com/jhy/jsoup.git/", "https://gitlab.com/group/sub/project",
                "https://git.example.org/team/app.git", "git@github.com:jhy/jsoup.git", "ssh://git@github.com/jhy/jsoup",
                "file:///srv/repo", "/srv/repo", "mem://shop", "https://example.com/tree/main/x",
                "https://acme@dev.azure.com/acme/shop/_git/web", "https://git.example.org/team/app/issues/3",
                "https://git.example.org/team/app/src", "https://git.example.org/a/b/c/src/branch/main"}) {
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

    @Test
    void percentEscapesAreDecodedAsUtf8() {
        assertThat(RepositoryPage.percentDecoded("refs%2Fheads%2Ff%C3%A9e")).isEqualTo("refs/heads/f\u00e9e");
        assertThat(RepositoryPage.percentDecoded("a%2")).isEqualTo("a%2");
        assertThat(RepositoryPage.percentDecoded("100%zz")).isEqualTo("100%zz");
    }
}

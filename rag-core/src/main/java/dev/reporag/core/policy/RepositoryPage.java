package dev.reporag.core.policy;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The repository behind an address a user copied from a Git host's web pages: a page of a branch,
 * a file or a commit ({@code https://github.com/acme/shop/tree/develop/src}) is no Git URL, and its
 * fetch failed with "repository not found". It becomes the repository's URL and the ref the page
 * was showing. A known host's address without a scheme ({@code github.com/acme/shop}, which was
 * read as a missing local directory) gets {@code https://}. Anything else is left as it is.
 *
 * @param source the repository to fetch
 * @param ref    the branch, tag or commit the page showed; null when it showed none
 */
public record RepositoryPage(String source, String ref) {
    private static final List<String> HOSTS = List.of("github.com", "gitlab.com", "bitbucket.org", "codeberg.org");
    /**
     * GitHub: /owner/repo/(tree|blob|commit|releases/tag)/REF[/path], or another page of the
     * repository (issues, pulls…, no ref). An address of the repository itself is left alone.
     */
    private static final Pattern GITHUB = Pattern.compile(
            "(https?://(?:www\\.)?github\\.com/[^/?#]+/[^/?#]+)/(?:(?:tree|blob|commit|releases/tag)/([^/?#]+)|[^/?#]).*");
    /** GitLab, gitlab.com or self-hosted: /group/…/project/-/(tree|blob|commit|tags)/REF[/path]. */
    private static final Pattern GITLAB = Pattern.compile(
            "(https?://[^/]+/.+?)/-/(?:(?:tree|blob|commit|tags)/([^/?#]+))?.*");
    /** Bitbucket: /owner/repo/(src|commits)/REF[/path]. */
    private static final Pattern BITBUCKET = Pattern.compile(
            "(https?://bitbucket\\.org/[^/?#]+/[^/?#]+)/(?:(?:src|commits)/([^/?#]+)|[^/?#]).*");
    /** Gitea and Forgejo (Codeberg): /owner/repo/src/(branch|tag|commit)/REF[/path]. */
    private static final Pattern CODEBERG = Pattern.compile(
            "(https?://codeberg\\.org/[^/?#]+/[^/?#]+)/(?:src/(?:branch|tag|commit)/([^/?#]+)|[^/?#]).*");

    /** Azure Repos: /org/project/_git/repo?path=…&version=GBbranch (GT a tag, GC a commit). */
    private static final Pattern AZURE = Pattern.compile(
            "(https://(?:[^/@]+@)?dev\\.azure\\.com/[^/?#]+/[^/?#]+/_git/[^/?#]+)"
                    + "(?:\\?(?:[^#]*&)?version=G[BTC]([^&#]+).*|[?/#].*)");

    /**
     * The repository and ref an address names; {@code source} stripped, else unchanged when it is no page.
     *
     * @param existsHere whether a path names something on this machine (which a path that looks
     *                   like a host's address then stays)
     */
    public static RepositoryPage of(String source, Predicate<String> existsHere) {
        String s = source.strip();
        if (SourceKind.of(s) == SourceKind.PATH && withoutScheme(s) && !existsHere.test(s)) {
            s = "https://" + s;
        }
        if (SourceKind.of(s) != SourceKind.URL) {
            return new RepositoryPage(s, null);
        }
        for (Pattern page : List.of(GITHUB, BITBUCKET, CODEBERG, AZURE, GITLAB)) {
            Matcher m = page.matcher(s);
            if (m.matches()) {
                return new RepositoryPage(m.group(1), m.group(2));
            }
        }
        return new RepositoryPage(s, null);
    }

    /** {@code github.com/acme/shop}: a known host first. */
    private static boolean withoutScheme(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return HOSTS.stream().anyMatch(host -> lower.startsWith(host + "/"));
    }
}

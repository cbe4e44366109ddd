package dev.reporag.core.policy;

import java.util.ArrayList;
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
 * <p>A branch or tag whose name holds {@code /} shows in the address like a folder
 * ({@code tree/feature/login/src}): the address alone cannot tell where the ref ends, so {@link #ref}
 * is its first segment and {@link #refCandidates} every longer reading, for a caller that can ask
 * the remote which one exists (as the host does).
 *
 * @param source     the repository to fetch
 * @param ref        the branch, tag or commit the page showed, or the first segment of it when
 *                   {@link #refAndPath} has more; null when it showed none
 * @param refAndPath what follows the page's kind in its address: the ref, then perhaps a folder or
 *                   file ({@code feature/login/src}); null when the page showed no ref
 */
public record RepositoryPage(String source, String ref, String refAndPath) {
    private static final List<String> HOSTS = List.of("github.com", "gitlab.com", "bitbucket.org", "codeberg.org");
    /** More segments than any ref a person names: a deep file's path is not read as a ref. */
    private static final int MAX_REF_SEGMENTS = 8;
    /**
     * GitHub: /owner/repo/(tree|blob|releases/tag)/REF[/path], /commit/SHA, or another page of the
     * repository (issues, pulls…, no ref). An address of the repository itself is left alone.
     */
    private static final Pattern GITHUB = Pattern.compile(
            "(https?://(?:www\\.)?github\\.com/[^/?#]+/[^/?#]+)/"
                    + "(?:(?:tree|blob|releases/tag)/([^?#]+)|commit/([^/?#]+)|[^/?#]).*");
    /** GitLab, gitlab.com or self-hosted: /group/…/project/-/(tree|blob|tags)/REF[/path], /-/commit/SHA. */
    private static final Pattern GITLAB = Pattern.compile(
            "(https?://[^/]+/.+?)/-/(?:(?:tree|blob|tags)/([^?#]+)|commit/([^/?#]+))?.*");
    /** Bitbucket: /owner/repo/src/REF[/path], /commits/SHA. */
    private static final Pattern BITBUCKET = Pattern.compile(
            "(https?://bitbucket\\.org/[^/?#]+/[^/?#]+)/(?:src/([^?#]+)|commits/([^/?#]+)|[^/?#]).*");
    /** Gitea and Forgejo (Codeberg): /owner/repo/src/(branch|tag)/REF[/path], /src/commit/SHA. */
    private static final Pattern CODEBERG = Pattern.compile(
            "(https?://codeberg\\.org/[^/?#]+/[^/?#]+)/"
                    + "(?:src/(?:branch|tag)/([^?#]+)|src/commit/([^/?#]+)|[^/?#]).*");
    /**
     * A self-hosted Gitea or Forgejo: the same pages on any host, told by their {@code src/branch},
     * {@code src/tag} or {@code src/commit} alone (its other pages look like any address).
     */
    private static final Pattern GITEA = Pattern.compile(
            "(https?://[^/?#]+/[^/?#]+/[^/?#]+)/(?:src/(?:branch|tag)/([^?#]+)|src/commit/([^/?#]+))(?:[/?#].*)?");

    /**
     * Bitbucket Data Center (Server), on any host and context path:
     * /projects/KEY/repos/SLUG[/browse/path|/commits/SHA][?at=refs%2Fheads%2Fbranch], or a personal
     * repository's /users/NAME/repos/SLUG; cloned from /scm/key/SLUG.git (/scm/~name/SLUG.git).
     */
    private static final Pattern BITBUCKET_SERVER = Pattern.compile(
            "(https?://[^/?#]+(?:/[^?#]*?)?)/(projects|users)/([^/?#]+)/repos/([^/?#]+)"
                    + "(?:/commits/([0-9a-fA-F]{7,40})|/[^?#]*)?(?:\\?([^#]*))?(?:#.*)?");

    /** Azure Repos: /org/project/_git/repo?path=…&version=GBbranch (GT a tag, GC a commit): the ref whole. */
    private static final Pattern AZURE = Pattern.compile(
            "(https://(?:[^/@]+@)?dev\\.azure\\.com/[^/?#]+/[^/?#]+/_git/[^/?#]+)"
                    + "(?:\\?(?:[^#]*&)?version=G[BTC]([^&#]+).*|[?/#].*)");

    /** A page whose ref is known whole. */
    public RepositoryPage(String source, String ref) {
        this(source, ref, ref);
    }

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
        Matcher azure = AZURE.matcher(s);
        if (azure.matches()) {
            return new RepositoryPage(azure.group(1), azure.group(2));
        }
        for (Pattern page : List.of(GITHUB, BITBUCKET, CODEBERG, GITLAB, GITEA)) {
            Matcher m = page.matcher(s);
            if (m.matches()) {
                if (m.group(3) != null) {
                    return new RepositoryPage(m.group(1), m.group(3)); // a commit: one segment
                }
                String refAndPath = m.group(2) == null ? null : m.group(2).replaceAll("/+$", "");
                if (refAndPath == null || refAndPath.isEmpty()) {
                    return new RepositoryPage(m.group(1), null);
                }
                int slash = refAndPath.indexOf('/');
                return new RepositoryPage(m.group(1), slash < 0 ? refAndPath : refAndPath.substring(0, slash),
                        refAndPath);
            }
        }
        // Any host: after the known ones, whose addresses are never read as another forge's.
        Matcher server = BITBUCKET_SERVER.matcher(s);
        if (server.matches()) {
            String owner = server.group(2).equals("users") ? "~" + server.group(3) : server.group(3);
            String cloneUrl = server.group(1) + "/scm/" + owner.toLowerCase(Locale.ROOT) + "/" + server.group(4) + ".git";
            return new RepositoryPage(cloneUrl, server.group(5) != null ? server.group(5) : atParameter(server.group(6)));
        }
        return new RepositoryPage(s, null);
    }

    /** Bitbucket's {@code at=refs%2Fheads%2Fdevelop}: the branch, tag or commit, as a project names it. */
    private static String atParameter(String query) {
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("at=") && parameter.length() > 3) {
                String ref = percentDecoded(parameter.substring(3));
                for (String prefix : List.of("refs/heads/", "refs/tags/")) {
                    if (ref.startsWith(prefix) && ref.length() > prefix.length()) {
                        return ref.substring(prefix.length());
                    }
                }
                return ref;
            }
        }
        return null;
    }

    /** {@code refs%2Fheads%2Ff%C3%A9e} as {@code refs/heads/fée}; a malformed escape is kept as it is. */
    static String percentDecoded(String value) {
        byte[] raw = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] decoded = new byte[raw.length];
        int length = 0;
        for (int i = 0; i < raw.length; i++) {
            int high = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int low = high >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (low >= 0) {
                decoded[length++] = (byte) (high * 16 + low);
                i += 2;
            } else {
                decoded[length++] = raw[i];
            }
        }
        return new String(decoded, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether the ref may be longer than its first segment ({@code tree/feature/login}). */
    public boolean refMayHoldSlashes() {
        return refAndPath != null && !refAndPath.equals(ref);
    }

    /**
     * Every reading of {@link #refAndPath} as a ref followed by a path, the longest ref first and
     * {@link #ref} last; empty when the page showed no ref.
     */
    public List<String> refCandidates() {
        if (refAndPath == null) {
            return List.of();
        }
        String[] segments = refAndPath.split("/+");
        List<String> candidates = new ArrayList<>();
        for (int n = Math.min(segments.length, MAX_REF_SEGMENTS); n >= 1; n--) {
            candidates.add(String.join("/", java.util.Arrays.copyOf(segments, n)));
        }
        return candidates;
    }

    /** {@code github.com/acme/shop}: a known host first. */
    private static boolean withoutScheme(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return HOSTS.stream().anyMatch(host -> lower.startsWith(host + "/"));
    }
}

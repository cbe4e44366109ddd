package dev.reporag.core.sync;

import java.util.Locale;

/**
 * One form for the ways a Git host names a repository, so a webhook's URLs match a project's
 * source: {@code https://github.com/Acme/Shop.git}, {@code https://github.com/acme/shop},
 * {@code git@github.com:acme/shop.git} and {@code ssh://git@github.com/acme/shop} are all
 * {@code github.com/acme/shop}. Scheme, user, port, a trailing {@code .git} or slash, and case
 * are dropped (GitHub and GitLab paths are not case-sensitive).
 */
public final class SourceUrls {
    private SourceUrls() {
    }

    public static String normalise(String url) {
        String s = url.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
            int slash = s.indexOf('/');
            String authority = slash < 0 ? s : s.substring(0, slash);
            String path = slash < 0 ? "" : s.substring(slash);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            int port = authority.lastIndexOf(':');
            if (port >= 0 && !authority.endsWith("]")) {
                authority = authority.substring(0, port);
            }
            s = authority + path;
        } else if (s.matches("[^/]*@[^/:]+:.*")) {
            // scp-like: git@github.com:acme/shop.git
            s = s.substring(s.indexOf('@') + 1).replaceFirst(":", "/");
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith(".git")) {
            s = s.substring(0, s.length() - 4);
        }
        return s.toLowerCase(Locale.ROOT);
    }
}

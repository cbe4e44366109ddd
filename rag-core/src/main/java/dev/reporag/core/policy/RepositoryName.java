package dev.reporag.core.policy;

import java.util.Locale;

/** The one rule for "do these two sources name the same repository?", read from their text alone. */
public final class RepositoryName {
    private RepositoryName() {
    }

    /**
     * What names the repository in a source, so that the ways of writing one address find each other:
     * for a URL or the scp-like form, the host (lower case, without a user) and the path, without the
     * scheme, a trailing slash or {@code .git} ({@code https://github.com/acme/shop},
     * {@code https://github.com/acme/shop.git/} and {@code git@github.com:acme/shop.git} alike); a
     * path on this machine without a trailing {@code /.git}. Used where two addresses are to be
     * found the same repository: a project's first index starting from another's, and the clone
     * the Git source keeps of it. A wrong guess costs work, never a wrong answer: a copy is kept only
     * where the new snapshot holds the other project's commit, and a shared clone only holds more objects.
     */
    public static String of(String source) {
        String s = source.strip();
        return switch (SourceKind.of(s)) {
            case URL -> {
                String rest = s.substring(s.indexOf("://") + 3);
                int slash = rest.indexOf('/');
                String authority = slash < 0 ? rest : rest.substring(0, slash);
                yield hostAndPath(authority.substring(authority.lastIndexOf('@') + 1),
                        slash < 0 ? "" : rest.substring(slash));
            }
            case SCP_LIKE -> {
                int colon = s.indexOf(':', s.indexOf('@') + 1);
                yield hostAndPath(s.substring(s.indexOf('@') + 1, colon), s.substring(colon + 1));
            }
            case FILE_URL -> localPath(s.substring("file://".length()));
            case PATH -> localPath(s);
            case REMOTE_HELPER -> s;
        };
    }

    private static String hostAndPath(String host, String path) {
        return host.toLowerCase(Locale.ROOT) + "/" + path.replaceAll("^/+", "").replaceAll("/+$", "")
                .replaceAll("\\.git$", "");
    }

    private static String localPath(String path) {
        return path.replaceAll("[/\\\\]+$", "").replaceAll("[/\\\\]\\.git$", "");
    }
}

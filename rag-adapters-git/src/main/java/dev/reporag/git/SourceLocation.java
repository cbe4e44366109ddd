package dev.reporag.git;

import dev.reporag.core.policy.RepositoryName;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a checked source points: a remote URL without credentials, or a local repository path. */
sealed interface SourceLocation {
    /** What JGit is given to fetch from. */
    String transportUrl();

    /** What messages and logs show; never holds credentials. */
    String display();

    /**
     * Names the cache directory: the same repository ({@link RepositoryName}: {@code …/shop} and
     * {@code …/shop.git}, a working tree and its {@code .git}) always maps to the same directory, so
     * two projects of one repository share one clone and its history. A cache shared by two
     * addresses that are in fact two repositories only holds both's objects: every fetch names its
     * address and the commit it resolves.
     */
    default String cacheKey() {
        return cacheKeyOf(transportUrl());
    }

    /** {@link #cacheKey} of a source as written (its {@link RepositoryName}). */
    static String cacheKeyOf(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(RepositoryName.of(source).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param scheme lower case, e.g. https
     * @param host   lower case ASCII; IPv6 literals without brackets
     * @param port   -1 for the scheme's default
     * @param path   starts with '/', no trailing '/'
     */
    record Remote(String scheme, String host, int port, String path) implements SourceLocation {
        @Override
        public String transportUrl() {
            String h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
            return scheme + "://" + h + (port < 0 ? "" : ":" + port) + path;
        }

        @Override
        public String display() {
            return transportUrl();
        }
    }

    record Local(Path path) implements SourceLocation {
        @Override
        public String transportUrl() {
            return path.toString();
        }

        @Override
        public String display() {
            return path.toString();
        }
    }
}

package dev.reporag.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@link JGitRepositorySource} fetches. The adapter reads no environment; the composition root
 * maps these environment variables (names documented in docs/git-source.md):
 * {@code RAG_ALLOW_LOCAL_SOURCES} to {@code allowLocalSources}, {@code GITHUB_TOKEN} to
 * {@link Builder#gitHubToken}, and the cache directory to {@code $RAG_HOME/git}. Build with
 * {@link #builder}, or {@link #defaults} and a wither for one change.
 *
 * @param cacheDir           where clones are kept, one directory per repository URL
 * @param allowLocalSources  allow local paths, file://, http://, git:// and loopback hosts (development
 *                           and tests only); private and metadata addresses stay refused
 * @param allowedHosts       when not empty, the only hosts fetched from (e.g. github.com)
 * @param timeout            bounds one whole clone or fetch, and each network read
 * @param maxRepositoryBytes bounds the bytes one clone or fetch may download
 * @param maxFileBytes       {@code read} refuses larger blobs (a sanity cap; the core's own limit is lower)
 * @param credentials        per host (lower case), sent only to that host over HTTP(S)
 */
public record GitSourceSettings(
        Path cacheDir,
        boolean allowLocalSources,
        Set<String> allowedHosts,
        Duration timeout,
        long maxRepositoryBytes,
        long maxFileBytes,
        Map<String, HostCredentials> credentials) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_REPOSITORY_BYTES = 500L * 1024 * 1024;
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;

    /** A user name and a secret (password or token) for one host; the secret never shows in toString. */
    public record HostCredentials(String username, String secret) {
        public HostCredentials {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "HostCredentials[username=" + username + ", secret=***]";
        }
    }

    public GitSourceSettings {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (maxRepositoryBytes <= 0 || maxFileBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
        allowedHosts = allowedHosts == null ? Set.of() : allowedHosts.stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        Map<String, HostCredentials> byHost = new HashMap<>();
        if (credentials != null) {
            credentials.forEach((host, c) -> byHost.put(host.strip().toLowerCase(Locale.ROOT), c));
        }
        credentials = Map.copyOf(byHost);
    }

    /** https only, any public host, 5 minute timeout, 500 MB per download, 10 MB per file, no credentials. */
    public static GitSourceSettings defaults(Path cacheDir) {
        return new GitSourceSettings(cacheDir, false, Set.of(), DEFAULT_TIMEOUT, DEFAULT_MAX_REPOSITORY_BYTES,
                DEFAULT_MAX_FILE_BYTES, Map.of());
    }

    /** {@link #defaults} in {@code cacheDir}, to change some of them; {@link Builder#build()} checks them. */
    public static Builder builder(Path cacheDir) {
        return defaults(cacheDir).toBuilder();
    }

    /** These settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(cacheDir, credentials).allowLocalSources(allowLocalSources).allowedHosts(allowedHosts)
                .timeout(timeout).maxRepositoryBytes(maxRepositoryBytes).maxFileBytes(maxFileBytes);
    }

    public GitSourceSettings withAllowLocalSources(boolean allow) {
        return toBuilder().allowLocalSources(allow).build();
    }

    public GitSourceSettings withAllowedHosts(Set<String> hosts) {
        return toBuilder().allowedHosts(hosts).build();
    }

    public GitSourceSettings withTimeout(Duration value) {
        return toBuilder().timeout(value).build();
    }

    public GitSourceSettings withMaxRepositoryBytes(long value) {
        return toBuilder().maxRepositoryBytes(value).build();
    }

    public GitSourceSettings withMaxFileBytes(long value) {
        return toBuilder().maxFileBytes(value).build();
    }

    /** Adds credentials for one host. */
    public GitSourceSettings withCredentials(String host, String username, String secret) {
        return toBuilder().credentials(host, username, secret).build();
    }

    /** Adds a token for one host; see {@link Builder#token}. */
    public GitSourceSettings withToken(String host, String value) {
        return toBuilder().token(host, value).build();
    }

    /** Uses a GitHub token for github.com only; see {@link Builder#gitHubToken}. */
    public GitSourceSettings withGitHubToken(String token) {
        return toBuilder().gitHubToken(token).build();
    }

    /** The one place the settings are put together; each method sets the component of its name. */
    public static final class Builder {
        private final Path cacheDir;
        private boolean allowLocalSources;
        private Set<String> allowedHosts;
        private Duration timeout;
        private long maxRepositoryBytes;
        private long maxFileBytes;
        private final Map<String, HostCredentials> credentials;

        private Builder(Path cacheDir, Map<String, HostCredentials> credentials) {
            this.cacheDir = cacheDir;
            this.credentials = new HashMap<>(credentials);
        }

        public Builder allowLocalSources(boolean allow) {
            allowLocalSources = allow;
            return this;
        }

        public Builder allowedHosts(Set<String> hosts) {
            allowedHosts = hosts;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder maxRepositoryBytes(long value) {
            maxRepositoryBytes = value;
            return this;
        }

        public Builder maxFileBytes(long value) {
            maxFileBytes = value;
            return this;
        }

        /** Adds credentials for one host. */
        public Builder credentials(String host, String username, String secret) {
            credentials.put(host, new HostCredentials(username, secret));
            return this;
        }

        /**
         * Adds a token for one host (RAG_GIT_TOKEN_&lt;HOST&gt;, RAG_GIT_TOKENS): {@code user:token}, or a
         * bare token, sent with the user name {@code x-access-token} (GitHub; GitLab and Gitea accept any
         * name). Blank means none.
         */
        public Builder token(String host, String value) {
            if (value == null || value.isBlank()) {
                return this;
            }
            String v = value.strip();
            int colon = v.indexOf(':');
            return colon > 0 ? credentials(host, v.substring(0, colon), v.substring(colon + 1))
                    : credentials(host, "x-access-token", v);
        }

        /**
         * Uses a GitHub token (GITHUB_TOKEN) for github.com only: a token sent to whatever host a user
         * names would leak it. Blank means none.
         */
        public Builder gitHubToken(String token) {
            if (token == null || token.isBlank()) {
                return this;
            }
            return credentials("github.com", "x-access-token", token.strip());
        }

        /** @throws IllegalArgumentException for a timeout or size limit that is not positive */
        public GitSourceSettings build() {
            return new GitSourceSettings(cacheDir, allowLocalSources, allowedHosts, timeout, maxRepositoryBytes,
                    maxFileBytes, credentials);
        }
    }

    @Override
    public String toString() {
        return "GitSourceSettings[cacheDir=" + cacheDir + ", allowLocalSources=" + allowLocalSources
                + ", allowedHosts=" + allowedHosts + ", timeout=" + timeout + ", maxRepositoryBytes="
                + maxRepositoryBytes + ", maxFileBytes=" + maxFileBytes + ", credentials for hosts="
                + credentials.keySet() + "]";
    }
}

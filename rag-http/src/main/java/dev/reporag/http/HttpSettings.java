package dev.reporag.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the HTTP service guards and paces itself. Build with {@link #builder()} (or
 * {@link #defaults()} and a wither for one change); the executable reads the variables named below
 * and passes their values in.
 *
 * @param adminToken        bearer token for the state-changing endpoints (RAG_ADMIN_TOKEN); null or
 *                          blank means only loopback clients may change state
 * @param corsOrigins       origins allowed to call the API from a browser (RAG_CORS_ORIGINS, comma
 *                          separated); empty turns CORS off
 * @param maxBodyBytes      largest request body accepted (RAG_MAX_BODY_BYTES)
 * @param askPerMinute      questions one client may ask per minute (RAG_ASK_RATE_PER_MINUTE)
 * @param trustForwardedFor whether the client address is taken from X-Forwarded-For, for a service
 *                          behind exactly one reverse proxy (RAG_TRUST_PROXY)
 * @param ssePollInterval   how often status streams look for changes (RAG_SSE_POLL_MS)
 * @param webhookSecret     the secret the Git hosts' webhooks are signed with (RAG_WEBHOOK_SECRET); null or
 *                          blank turns the webhook routes off
 * @param webhookMaxBytes   largest webhook body accepted (RAG_WEBHOOK_MAX_BYTES)
 * @param answerKeepAlive   how long a streamed answer may go without a byte before a comment is sent,
 *                          so that proxies do not take a model thinking for a dead connection
 */
public record HttpSettings(String adminToken, List<String> corsOrigins, long maxBodyBytes, int askPerMinute,
                           boolean trustForwardedFor, Duration ssePollInterval, String webhookSecret,
                           long webhookMaxBytes, Duration answerKeepAlive) {
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final int DEFAULT_ASK_PER_MINUTE = 30;
    public static final Duration DEFAULT_SSE_POLL = Duration.ofMillis(500);
    /** GitHub's push payloads list up to 20 commits with their files: usually kilobytes, rarely megabytes. */
    public static final long DEFAULT_WEBHOOK_MAX_BYTES = 5L * 1024 * 1024;
    /** Under the idle limits of common proxies (nginx 60 s, Cloudflare 100 s), with room. */
    public static final Duration DEFAULT_ANSWER_KEEP_ALIVE = Duration.ofSeconds(10);

    /** Settings without webhooks, as before they existed. */
    public HttpSettings(String adminToken, List<String> corsOrigins, long maxBodyBytes, int askPerMinute,
                        boolean trustForwardedFor, Duration ssePollInterval) {
        this(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor, ssePollInterval, null,
                DEFAULT_WEBHOOK_MAX_BYTES);
    }

    /** Settings with the default keep-alive of streamed answers, as before it could be set. */
    public HttpSettings(String adminToken, List<String> corsOrigins, long maxBodyBytes, int askPerMinute,
                        boolean trustForwardedFor, Duration ssePollInterval, String webhookSecret,
                        long webhookMaxBytes) {
        this(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor, ssePollInterval, webhookSecret,
                webhookMaxBytes, DEFAULT_ANSWER_KEEP_ALIVE);
    }

    public HttpSettings {
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.strip();
        webhookSecret = webhookSecret == null || webhookSecret.isBlank() ? null : webhookSecret.strip();
        if (webhookMaxBytes < 1024) {
            throw new IllegalArgumentException("the webhook body limit must be at least 1024 bytes");
        }
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(ssePollInterval, "ssePollInterval");
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1024 bytes");
        }
        if (askPerMinute < 1) {
            throw new IllegalArgumentException("the question rate limit must be at least 1 per minute");
        }
        if (ssePollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("the status poll interval must be at least 10 ms");
        }
        Objects.requireNonNull(answerKeepAlive, "answerKeepAlive");
        if (answerKeepAlive.toMillis() < 100) {
            throw new IllegalArgumentException("the keep-alive of streamed answers must be at least 100 ms");
        }
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("a CORS origin is a scheme and host, like https://example.com: "
                        + origin);
            }
        }
    }

    public static HttpSettings defaults() {
        return new HttpSettings(null, List.of(), DEFAULT_MAX_BODY_BYTES, DEFAULT_ASK_PER_MINUTE, false,
                DEFAULT_SSE_POLL);
    }

    public boolean hasAdminToken() {
        return adminToken != null;
    }

    public HttpSettings withAdminToken(String value) {
        return toBuilder().adminToken(value).build();
    }

    public HttpSettings withCorsOrigins(List<String> value) {
        return toBuilder().corsOrigins(value).build();
    }

    public HttpSettings withMaxBodyBytes(long value) {
        return toBuilder().maxBodyBytes(value).build();
    }

    public HttpSettings withAskPerMinute(int value) {
        return toBuilder().askPerMinute(value).build();
    }

    public HttpSettings withTrustForwardedFor(boolean value) {
        return toBuilder().trustForwardedFor(value).build();
    }

    public HttpSettings withSsePollInterval(Duration value) {
        return toBuilder().ssePollInterval(value).build();
    }

    public HttpSettings withWebhookSecret(String value) {
        return toBuilder().webhookSecret(value).build();
    }

    public HttpSettings withWebhookMaxBytes(long value) {
        return toBuilder().webhookMaxBytes(value).build();
    }

    public HttpSettings withAnswerKeepAlive(Duration value) {
        return toBuilder().answerKeepAlive(value).build();
    }

    /** The defaults, to change some of them; {@link Builder#build()} checks the values. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** These settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().adminToken(adminToken).corsOrigins(corsOrigins).maxBodyBytes(maxBodyBytes)
                .askPerMinute(askPerMinute).trustForwardedFor(trustForwardedFor).ssePollInterval(ssePollInterval)
                .webhookSecret(webhookSecret).webhookMaxBytes(webhookMaxBytes).answerKeepAlive(answerKeepAlive);
    }

    /** The one place the settings are put together; each method sets the component of its name. */
    public static final class Builder {
        private String adminToken;
        private List<String> corsOrigins;
        private long maxBodyBytes;
        private int askPerMinute;
        private boolean trustForwardedFor;
        private Duration ssePollInterval;
        private String webhookSecret;
        private long webhookMaxBytes;
        private Duration answerKeepAlive;

        private Builder() {
        }

        public Builder adminToken(String value) {
            adminToken = value;
            return this;
        }

        public Builder corsOrigins(List<String> value) {
            corsOrigins = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder askPerMinute(int value) {
            askPerMinute = value;
            return this;
        }

        public Builder trustForwardedFor(boolean value) {
            trustForwardedFor = value;
            return this;
        }

        public Builder ssePollInterval(Duration value) {
            ssePollInterval = value;
            return this;
        }

        public Builder webhookSecret(String value) {
            webhookSecret = value;
            return this;
        }

        public Builder webhookMaxBytes(long value) {
            webhookMaxBytes = value;
            return this;
        }

        public Builder answerKeepAlive(Duration value) {
            answerKeepAlive = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the value that is out of range */
        public HttpSettings build() {
            return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor,
                    ssePollInterval, webhookSecret, webhookMaxBytes, answerKeepAlive);
        }
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "HttpSettings[adminToken=" + (hasAdminToken() ? "<set>" : "<none>") + ", corsOrigins=" + corsOrigins
                + ", maxBodyBytes=" + maxBodyBytes + ", askPerMinute=" + askPerMinute + ", trustForwardedFor="
                + trustForwardedFor + ", ssePollInterval=" + ssePollInterval + ", webhookSecret="
                + (webhookSecret == null ? "<none>" : "<set>") + ", webhookMaxBytes=" + webhookMaxBytes
                + ", answerKeepAlive=" + answerKeepAlive + "]";
    }
}

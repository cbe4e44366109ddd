package dev.reporag.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the HTTP service guards and paces itself. Build with {@link #defaults()} and the withers, or
 * {@link #fromEnvironment(Map)}.
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
 */
public record HttpSettings(String adminToken, List<String> corsOrigins, long maxBodyBytes, int askPerMinute,
                           boolean trustForwardedFor, Duration ssePollInterval, String webhookSecret,
                           long webhookMaxBytes) {
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final int DEFAULT_ASK_PER_MINUTE = 30;
    public static final Duration DEFAULT_SSE_POLL = Duration.ofMillis(500);
    /** GitHub's push payloads list up to 20 commits with their files: usually kilobytes, rarely megabytes. */
    public static final long DEFAULT_WEBHOOK_MAX_BYTES = 5L * 1024 * 1024;

    /** Settings without webhooks, as before they existed. */
    public HttpSettings(String adminToken, List<String> corsOrigins, long maxBodyBytes, int askPerMinute,
                        boolean trustForwardedFor, Duration ssePollInterval) {
        this(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor, ssePollInterval, null,
                DEFAULT_WEBHOOK_MAX_BYTES);
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

    /**
     * Reads the RAG_* variables named on the components; unset ones keep their defaults.
     *
     * @throws IllegalArgumentException naming the variable that holds a bad value
     */
    public static HttpSettings fromEnvironment(Map<String, String> env) {
        HttpSettings d = defaults();
        String origins = env.getOrDefault("RAG_CORS_ORIGINS", "");
        return new HttpSettings(env.get("RAG_ADMIN_TOKEN"),
                Arrays.stream(origins.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                number(env, "RAG_MAX_BODY_BYTES", d.maxBodyBytes()),
                (int) number(env, "RAG_ASK_RATE_PER_MINUTE", d.askPerMinute()),
                Boolean.parseBoolean(env.getOrDefault("RAG_TRUST_PROXY", "false").strip()),
                Duration.ofMillis(number(env, "RAG_SSE_POLL_MS", d.ssePollInterval().toMillis())),
                env.get("RAG_WEBHOOK_SECRET"), number(env, "RAG_WEBHOOK_MAX_BYTES", d.webhookMaxBytes()));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value.strip() + "'");
        }
    }

    public boolean hasAdminToken() {
        return adminToken != null;
    }

    public HttpSettings withAdminToken(String value) {
        return new HttpSettings(value, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor, ssePollInterval,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withCorsOrigins(List<String> value) {
        return new HttpSettings(adminToken, value, maxBodyBytes, askPerMinute, trustForwardedFor, ssePollInterval,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withMaxBodyBytes(long value) {
        return new HttpSettings(adminToken, corsOrigins, value, askPerMinute, trustForwardedFor, ssePollInterval,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withAskPerMinute(int value) {
        return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, value, trustForwardedFor, ssePollInterval,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withTrustForwardedFor(boolean value) {
        return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, askPerMinute, value, ssePollInterval,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withSsePollInterval(Duration value) {
        return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor, value,
                webhookSecret, webhookMaxBytes);
    }

    public HttpSettings withWebhookSecret(String value) {
        return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor,
                ssePollInterval, value, webhookMaxBytes);
    }

    public HttpSettings withWebhookMaxBytes(long value) {
        return new HttpSettings(adminToken, corsOrigins, maxBodyBytes, askPerMinute, trustForwardedFor,
                ssePollInterval, webhookSecret, value);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "HttpSettings[adminToken=" + (hasAdminToken() ? "<set>" : "<none>") + ", corsOrigins=" + corsOrigins
                + ", maxBodyBytes=" + maxBodyBytes + ", askPerMinute=" + askPerMinute + ", trustForwardedFor="
                + trustForwardedFor + ", ssePollInterval=" + ssePollInterval + ", webhookSecret="
                + (webhookSecret == null ? "<none>" : "<set>") + ", webhookMaxBytes=" + webhookMaxBytes + "]";
    }
}

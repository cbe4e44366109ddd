package dev.reporag.openai;

import dev.reporag.core.port.ServerReport;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an OpenAI-style response says about rate limits. Absent values are -1 (counts) or null
 * (durations). Header names are matched case-insensitively.
 */
record RateLimitHeaders(long limitRequests, long limitTokens, long remainingRequests, long remainingTokens,
                        Duration resetRequests, Duration resetTokens, Duration retryAfter) {
    static final RateLimitHeaders NONE = new RateLimitHeaders(-1, -1, -1, -1, null, null, null);

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    static RateLimitHeaders parse(Map<String, List<String>> headers) {
        if (headers == null || headers.isEmpty()) {
            return NONE;
        }
        Map<String, String> h = new java.util.HashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                h.put(name.toLowerCase(Locale.ROOT), values.get(0).trim());
            }
        });
        Duration retryAfter = millis(h.get("retry-after-ms"));
        if (retryAfter == null) {
            retryAfter = seconds(h.get("retry-after"));
        }
        return new RateLimitHeaders(count(h.get("x-ratelimit-limit-requests")), count(h.get("x-ratelimit-limit-tokens")),
                count(h.get("x-ratelimit-remaining-requests")), count(h.get("x-ratelimit-remaining-tokens")),
                duration(h.get("x-ratelimit-reset-requests")), duration(h.get("x-ratelimit-reset-tokens")), retryAfter);
    }

    /** The core's port type, with the tokens the server billed ({@code usage}, or -1). */
    ServerReport toReport(long usageTokens) {
        return new ServerReport(limitRequests, limitTokens, remainingRequests, remainingTokens,
                resetRequests, resetTokens, retryAfter, usageTokens);
    }

    private static long count(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Duration millis(String value) {
        if (value == null) {
            return null;
        }
        try {
            return nonNegative(Duration.ofNanos((long) (Double.parseDouble(value) * 1_000_000)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Retry-After in seconds; the HTTP-date form is not worth supporting for an API. */
    private static Duration seconds(String value) {
        if (value == null) {
            return null;
        }
        try {
            return nonNegative(Duration.ofNanos((long) (Double.parseDouble(value) * 1_000_000_000)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** OpenAI's reset format: "1s", "6m0s", "59.5s", "120ms", "1h2m3s". */
    static Duration duration(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(value);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            double n = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "ms" -> n * 1e6;
                case "s" -> n * 1e9;
                case "m" -> n * 60e9;
                default -> n * 3600e9;
            };
            end = m.end();
        }
        return end == value.length() && end > 0 ? Duration.ofNanos((long) nanos) : null;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}

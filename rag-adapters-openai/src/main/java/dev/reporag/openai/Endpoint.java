package dev.reporag.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Names an API endpoint in messages without credentials that a URL may carry. */
final class Endpoint {
    private Endpoint() {
    }

    static String normalize(String baseUrl) {
        String trimmed = baseUrl.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the base URL is not a valid URL: " + display(trimmed));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the base URL must be an http(s) URL: " + display(trimmed));
        }
        return trimmed;
    }

    /** host[:port] only: no user info, path or query (some people put keys there). */
    static String display(String baseUrl) {
        try {
            URI uri = new URI(baseUrl);
            if (uri.getHost() == null) {
                return "(invalid URL)";
            }
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ':' + uri.getPort();
        } catch (URISyntaxException e) {
            return "(invalid URL)";
        }
    }

    static boolean isGroq(String baseUrl) {
        return display(baseUrl).equals("api.groq.com");
    }

    /** "OpenAI", "Groq", or "OpenAI-compatible server at host:port" for messages. */
    static String provider(String baseUrl) {
        String host = display(baseUrl);
        if (host.equals("api.openai.com")) {
            return "OpenAI";
        }
        if (isGroq(baseUrl)) {
            return "Groq";
        }
        return "OpenAI-compatible server at " + host;
    }
}

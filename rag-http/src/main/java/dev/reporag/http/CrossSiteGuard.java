package dev.reporag.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses requests that change something or cost something (every method but GET, HEAD and
 * OPTIONS) when a browser sends them from another site, with or without an admin token: a page on
 * any other origin, even another port of the same machine, must not create projects, start
 * ingestions, delete or ask in the name of the person browsing. Browsers mark such requests with
 * {@code Origin} and {@code Sec-Fetch-Site}; tools such as curl send neither and are let through (the
 * admin guard applies to them). Origins listed in RAG_CORS_ORIGINS are allowed.
 *
 * <p>Also requires {@code Content-Type: application/json} on a request that carries a body, so a
 * plain HTML form (text/plain, form encoded), which browsers send cross-site without asking, is
 * never read as JSON.
 */
final class CrossSiteGuard {
    private final List<String> allowedOrigins;
    private final boolean trustForwardedHost;

    CrossSiteGuard(List<String> allowedOrigins, boolean trustForwardedHost) {
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.trustForwardedHost = trustForwardedHost;
    }

    void check(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        String origin = ctx.header("Origin");
        boolean allowed = origin != null && allowedOrigins.contains(origin.strip().toLowerCase(Locale.ROOT));
        if (!allowed) {
            String site = ctx.header("Sec-Fetch-Site");
            if ((origin != null && !sameOrigin(ctx, origin.strip()))
                    || (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none"))) {
                throw refused();
            }
        }
        if (hasBody(ctx) && !isJson(ctx.header("Content-Type"))) {
            throw new HttpResponseException(415, "send the request body as JSON with 'Content-Type: application/json'",
                    Map.of());
        }
    }

    private static HttpResponseException refused() {
        return new HttpResponseException(403, "requests from pages on other sites are refused; call the API from"
                + " this service's own page, from a tool such as curl, or list your site's origin in"
                + " RAG_CORS_ORIGINS", Map.of());
    }

    /** Whether the Origin's host and port are the ones the request was sent to (scheme aside, for proxies). */
    private boolean sameOrigin(Context ctx, String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (Exception e) {
            return false; // "null" (sandboxed pages, file://) and anything unreadable
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        String host = trustForwardedHost && ctx.header("X-Forwarded-Host") != null
                ? ctx.header("X-Forwarded-Host") : ctx.header("Host");
        if (host == null) {
            return false;
        }
        String target = host.strip().toLowerCase(Locale.ROOT);
        String originHost = uri.getHost().toLowerCase(Locale.ROOT);
        return target.equals(originHost + ":" + port) || (target.equals(originHost) && (port == 80 || port == 443));
    }

    private static boolean hasBody(Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null
                || ctx.header("Content-Type") != null;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }
}

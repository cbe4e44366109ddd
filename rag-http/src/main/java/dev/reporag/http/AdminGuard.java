package dev.reporag.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Lets a state-changing request through only with {@code Authorization: Bearer <admin token>}, or,
 * when no token is configured, only from this machine.
 */
final class AdminGuard {
    private final byte[] tokenDigest;
    private final ClientAddress clients;

    AdminGuard(String adminToken, ClientAddress clients) {
        this.tokenDigest = adminToken == null ? null : sha256(adminToken);
        this.clients = clients;
    }

    Handler guard(Handler handler) {
        return ctx -> {
            check(ctx);
            handler.handle(ctx);
        };
    }

    void check(Context ctx) {
        if (tokenDigest == null) {
            if (!clients.isLoopback(ctx)) {
                throw new HttpResponseException(403, "changes are accepted only from this machine while no admin"
                        + " token is configured; set RAG_ADMIN_TOKEN on the server and send it as a Bearer token");
            }
            return;
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        // Comparing digests keeps the comparison constant-time and independent of the token's length.
        if (presented == null || !MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new HttpResponseException(401, presented == null
                    ? "this request needs the header 'Authorization: Bearer <admin token>'"
                    : "the admin token is not valid", Map.of());
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package dev.reporag.http;

import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.SourceException;
import dev.reporag.core.port.StoreException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure becomes {@code {"error": "..."}} with its status. Core exceptions carry messages
 * written for users; anything else is a bug, logged here and answered with a generic message so no
 * stack trace or internal detail reaches the client.
 */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    static final String INTERNAL = "internal error; the server log has the details";
    static final String STORE_DOWN = "the database is not available right now; try again in a moment";

    private ErrorMapping() {
    }

    static void register(RoutesConfig routes, long maxBodyBytes) {
        routes.exception(NotFoundException.class, (e, ctx) -> reply(ctx, 404, e.getMessage()));
        routes.exception(InvalidInputException.class, (e, ctx) -> reply(ctx, 400, e.getMessage()));
        routes.exception(ConflictException.class, (e, ctx) -> reply(ctx, 409, e.getMessage()));
        routes.exception(StoreException.class, (e, ctx) -> {
            // The database is down or refused the statement: its message may name SQL; the log has it.
            log.warn("{} {} failed: the store: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            reply(ctx, 503, STORE_DOWN);
        });
        routes.exception(RagException.class, (e, ctx) -> {
            int status = statusOf(e);
            log.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage());
            reply(ctx, status, e.getMessage());
        });
        String tooLarge = "the request body is larger than " + maxBodyBytes + " bytes";
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            // Refusals (401, 403, 413, 415…) come before the body is read, or in the middle of it.
            UnreadBody.discard(ctx, maxBodyBytes);
            reply(ctx, e.getStatus(), e.getStatus() == 413 && !Webhooks.isWebhook(ctx.path()) ? tooLarge : message(e));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
            reply(ctx, 500, INTERNAL);
        });
        // Javalin answers unmatched routes and the like itself; give those the same JSON shape.
        routes.error(404, "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                reply(ctx, 404, "not found: " + ctx.method() + " " + ctx.path());
            }
        });
        routes.error(405, "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                reply(ctx, 405, ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    /** The message a client may see for an exception thrown while a stream was already open. */
    static String publicMessage(RuntimeException e) {
        if (e instanceof StoreException) {
            log.warn("a streamed answer failed: the store: {}", e.getMessage());
            return STORE_DOWN;
        }
        if (e instanceof RagException) {
            return e.getMessage();
        }
        log.error("a streamed answer failed unexpectedly", e);
        return INTERNAL;
    }

    private static int statusOf(RagException e) {
        // Upstream services (the Git host, the embedding API) failed: a bad gateway, not our bug.
        return e instanceof SourceException || e instanceof EmbeddingException ? 502 : 500;
    }

    private static String message(HttpResponseException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return switch (e.getStatus()) {
                case 404 -> "not found";
                default -> "request failed with status " + e.getStatus();
            };
        }
        return message;
    }

    static void reply(Context ctx, int status, String message) {
        ctx.status(status).json(new JsonShapes.ErrorView(message == null ? INTERNAL : message));
    }
}

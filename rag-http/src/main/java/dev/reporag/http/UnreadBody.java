package dev.reporag.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads off what a refused request still has on the wire before the refusal is sent. A server that
 * closes a connection with request bytes unread makes TCP reset it, and the reset can discard the
 * answer before the client reads it: the client sees "no response" instead of a 401, 403, 413 or 415.
 */
final class UnreadBody {
    /** Refused bodies are read up to this much (or the body limit, if larger); beyond it the connection closes. */
    static final long DISCARD_BYTES = 1 << 20;

    private UnreadBody() {
    }

    static void discard(Context ctx, long maxBodyBytes) {
        long bound = Math.max(DISCARD_BYTES, maxBodyBytes);
        if (ctx.req().getContentLengthLong() > bound) {
            closeAfterAnswer(ctx);
            return;
        }
        byte[] buffer = new byte[8192];
        long read = 0;
        try {
            InputStream in = ctx.req().getInputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                read += n;
                if (read > bound) {
                    closeAfterAnswer(ctx);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAfterAnswer(ctx); // the client went away or the stream was already taken: nothing to keep
        }
    }

    private static void closeAfterAnswer(Context ctx) {
        ctx.header("Connection", "close");
    }
}

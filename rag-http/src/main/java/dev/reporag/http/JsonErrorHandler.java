package dev.reporag.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Jetty's own answers to requests it refuses before they reach a route (a URI or headers too long:
 * 414, 431; a malformed request line, header or encoding: 400; a body too large: 413) in the API's
 * JSON shape {@code {"error": "..."}} instead of Jetty's HTML page, with no server detail in them.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8"));
        return ByteBuffer.wrap(body(status));
    }

    static byte[] body(int status) {
        return ("{\"error\":\"" + message(status) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "the request is malformed (its request line, a header, or the encoding of its path)";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 415 -> "unsupported content type; send JSON with 'Content-Type: application/json'";
            case 431 -> "the request headers are too large";
            case 500 -> ErrorMapping.INTERNAL;
            case 503 -> "the service is not available right now; try again in a moment";
            default -> "the request failed with status " + status;
        };
    }
}

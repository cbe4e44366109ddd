package dev.reporag.core.port;

/**
 * A failure whose message a user can act on ("the OpenAI API key was rejected", "branch 'x' not
 * found"). Messages never carry secrets. Anything else that escapes an adapter is a bug.
 */
public class RagException extends RuntimeException {
    public RagException(String message) {
        super(message);
    }

    public RagException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.reporag.core.port;

/** The request is valid but the project is not in a state that allows it (e.g. not READY yet). */
public class ConflictException extends RagException {
    public ConflictException(String message) {
        super(message);
    }
}

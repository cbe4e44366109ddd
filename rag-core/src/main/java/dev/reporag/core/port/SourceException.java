package dev.reporag.core.port;

/** The repository could not be resolved or read: not found, auth required, refused URL, too big... */
public class SourceException extends RagException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

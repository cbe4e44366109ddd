package dev.reporag.core.port;

/** The vector store or job repository failed, or was built for another embedding model. */
public class StoreException extends RagException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

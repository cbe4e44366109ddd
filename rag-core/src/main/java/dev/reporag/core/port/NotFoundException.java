package dev.reporag.core.port;

/** A project, job or conversation that does not exist. */
public class NotFoundException extends RagException {
    public NotFoundException(String message) {
        super(message);
    }
}

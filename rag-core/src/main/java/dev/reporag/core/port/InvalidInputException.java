package dev.reporag.core.port;

/** Input a user gave that cannot be accepted, with what is wrong with it. */
public class InvalidInputException extends RagException {
    public InvalidInputException(String message) {
        super(message);
    }
}

package dev.reporag.core.port;

/**
 * A streamed answer stopped part-way (the chat model timed out or failed after it had started
 * writing). What was written has already reached the caller and is kept.
 */
public class AnswerCutException extends RagException {
    private final String written;

    public AnswerCutException(String written, String reason) {
        super(reason);
        this.written = written == null ? "" : written;
    }

    /** The part of the answer that was written. */
    public String written() {
        return written;
    }
}

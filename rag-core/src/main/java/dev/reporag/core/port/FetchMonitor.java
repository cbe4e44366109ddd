package dev.reporag.core.port;

/**
 * What a {@link RepositorySource} tells, and asks, while it fetches: progress of each step of a
 * clone or fetch, and whether to stop. Called from the thread that opens the source.
 */
public interface FetchMonitor {
    /** Hears nothing and never cancels. */
    FetchMonitor NONE = () -> false;

    /**
     * Whether the open should stop. A source that sees this stops its fetch and throws a
     * {@link SourceException}, leaving its cache as it was.
     */
    boolean isCancelled();

    /**
     * One step of the fetch, e.g. "Receiving objects" at 1234 of 2742. {@code task} is one line of
     * printable text; {@code total} is 0 when the step's size is unknown, otherwise
     * {@code done <= total}. Sources throttle these calls.
     */
    default void onFetchProgress(String task, long done, long total) {
    }
}

package dev.reporag.core.port;

import dev.reporag.core.model.SourceFile;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A repository resolved to one commit. Files are streamed, and content is read one file at a
 * time on demand, so memory stays flat whatever the repository's size.
 */
public interface Snapshot extends AutoCloseable {
    /** The commit this snapshot shows (a Git SHA-1, or any stable version id). */
    String commit();

    /** Every tracked path, regular or not, in a stable order. Close the stream. */
    Stream<SourceFile> files();

    /** The content of a regular file of this snapshot. */
    byte[] read(SourceFile file);

    /**
     * What changed since {@code earlierCommit}, or empty when that commit is unknown here
     * (shallow history, force-push, rewritten branch): the caller then reconciles everything.
     */
    Optional<ChangeSet> changesSince(String earlierCommit);

    /**
     * What changed since a commit of another source (a fork's upstream, the same repository at
     * another address), where this source can read that commit's tree: its own history or a copy of
     * the other source it keeps. Empty when it cannot; nothing is fetched. Two trees compare whether
     * or not one descends from the other.
     */
    default Optional<ChangeSet> changesSince(String earlierCommit, String earlierSource) {
        return changesSince(earlierCommit);
    }

    /**
     * This commit and those before it on its first-parent line, newest first, at most {@code max}:
     * as many as the source holds (a shallow copy holds only this one; see
     * {@link RepositorySource#openWithHistory}).
     */
    default List<CommitInfo> history(int max) {
        return List.of();
    }

    /**
     * The tree of an earlier commit of this repository, one that {@link #history} listed. Close it
     * too; it does not outlive this snapshot.
     *
     * @throws SourceException when the source does not hold that commit
     */
    default Snapshot at(String commit) {
        throw new SourceException("commit " + commit + " is not available from this source");
    }

    @Override
    void close();
}

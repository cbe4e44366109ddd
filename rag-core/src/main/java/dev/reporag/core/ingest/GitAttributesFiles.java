package dev.reporag.core.ingest;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.RepositoryAttributes;
import dev.reporag.core.port.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a snapshot's {@code .gitattributes} files, at any depth, for {@link RepositoryAttributes}.
 * A walk of the listing of its own (metadata only: 6-16 ms for Notepad++'s 2,415 files once warm,
 * 45 ms cold), so that every file is checked against all the marks that apply to it, including
 * one listed before its directory's {@code .gitattributes} (".circleci/" sorts before it).
 */
public final class GitAttributesFiles {
    /** Larger than any real one (Kubernetes' is 1 KB); a larger file is not attributes but a mistake. */
    private static final long MAX_BYTES = 256 * 1024;

    private GitAttributesFiles() {
    }

    public static RepositoryAttributes read(Snapshot snapshot) {
        return read(snapshot, new Cancellation());
    }

    /** Stops, with a {@link Cancellation}'s exception, when cancelled during the walk. */
    static RepositoryAttributes read(Snapshot snapshot, Cancellation cancellation) {
        List<RepositoryAttributes.File> found = new ArrayList<>();
        try (Stream<SourceFile> files = snapshot.files()) {
            files.peek(f -> cancellation.throwIfCancelled()).filter(f -> f.kind() == FileKind.REGULAR && f.size() <= MAX_BYTES
                            && RepositoryAttributes.isAttributesFile(f.path()))
                    .forEach(f -> found.add(new RepositoryAttributes.File(
                            f.path().contains("/") ? f.path().substring(0, f.path().lastIndexOf('/')) : "",
                            new String(snapshot.read(f), StandardCharsets.UTF_8))));
        }
        return RepositoryAttributes.parse(found);
    }
}

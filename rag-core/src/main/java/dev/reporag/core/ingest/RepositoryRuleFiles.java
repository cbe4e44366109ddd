package dev.reporag.core.ingest;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.RepositoryRules;
import dev.reporag.core.port.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a snapshot's rules files ({@code .gitattributes}, ignore files for AI tools), at any
 * depth, for {@link RepositoryRules}.
 * A walk of the listing of its own (metadata only: 6-16 ms for Notepad++'s 2,415 files once warm,
 * 45 ms cold), so that every file is checked against all the marks that apply to it, including
 * one listed before its directory's rules file (".circleci/" sorts before ".gitattributes").
 */
public final class RepositoryRuleFiles {
    /** Larger than any real one (Kubernetes' .gitattributes is 1 KB); a larger file is not rules but a mistake. */
    private static final long MAX_BYTES = 256 * 1024;

    private RepositoryRuleFiles() {
    }

    public static RepositoryRules read(Snapshot snapshot) {
        return read(snapshot, new Cancellation());
    }

    /** Stops, with a {@link Cancellation}'s exception, when cancelled during the walk. */
    static RepositoryRules read(Snapshot snapshot, Cancellation cancellation) {
        List<RepositoryRules.RuleFile> found = new ArrayList<>();
        try (Stream<SourceFile> files = snapshot.files()) {
            files.peek(f -> cancellation.throwIfCancelled()).filter(f -> f.kind() == FileKind.REGULAR && f.size() <= MAX_BYTES
                            && RepositoryRules.isRuleFile(f.path()))
                    .forEach(f -> found.add(new RepositoryRules.RuleFile(f.path(),
                            new String(snapshot.read(f), StandardCharsets.UTF_8))));
        }
        return RepositoryRules.parse(found);
    }
}

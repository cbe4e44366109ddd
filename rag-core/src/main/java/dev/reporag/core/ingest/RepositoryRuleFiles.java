package dev.reporag.core.ingest;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RepositoryIgnores;
import dev.reporag.core.policy.RepositoryRules;
import dev.reporag.core.port.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a snapshot's rules files ({@code .gitattributes}, ignore files for AI tools), at any
 * depth, and weighs its documentation against its other files, for {@link RepositoryRules}.
 * A walk of the listing of its own (metadata only: 6-16 ms for Notepad++'s 2,415 files once warm,
 * 45 ms cold), so that every file is checked against all the marks that apply to it, including
 * one listed before its directory's rules file (".circleci/" sorts before ".gitattributes").
 */
public final class RepositoryRuleFiles {
    /**
     * The rules files read, in bytes: far more than any real repository has (Kubernetes' root
     * .gitattributes is 1 KB), and little enough that a hostile repository of many large ones costs
     * neither memory nor minutes of matching. The files past it are not read, and a warning says so;
     * an ignore file not read leaves out everything beside and below it, since what it names is unknown.
     */
    static final long MAX_TOTAL_BYTES = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(RepositoryRuleFiles.class);

    private RepositoryRuleFiles() {
    }

    /**
     * The rules, and whether the repository is mostly documentation as {@code settingsFilter} (the
     * configured globs and limits) sees its files by path and size.
     */
    public static RepositoryRules read(Snapshot snapshot, FileFilter settingsFilter) {
        return read(snapshot, settingsFilter, new Cancellation());
    }

    /** Stops, with a {@link Cancellation}'s exception, when cancelled during the walk. */
    static RepositoryRules read(Snapshot snapshot, FileFilter settingsFilter, Cancellation cancellation) {
        List<RepositoryRules.RuleFile> found = new ArrayList<>();
        List<String> environmentMarkers = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        long total = 0;
        long documentationBytes = 0;
        long otherBytes = 0;
        FileFilter byPath = settingsFilter.forRepository(RepositoryRules.NONE);
        try (Stream<SourceFile> files = snapshot.files()) {
            for (Iterator<SourceFile> it = files.iterator(); it.hasNext(); ) {
                cancellation.throwIfCancelled();
                SourceFile file = it.next();
                if (byPath.isDocumentationOnly(file)) {
                    documentationBytes += file.size();
                } else if (file.kind() == FileKind.REGULAR && byPath.checkPath(file).isEmpty()) {
                    otherBytes += file.size();
                }
                if (RepositoryRules.isEnvironmentMarker(file.path())) {
                    environmentMarkers.add(file.path()); // its presence says it all: not read
                } else if (file.kind() == FileKind.REGULAR && RepositoryRules.isRuleFile(file.path())) {
                    if (total + file.size() > MAX_TOTAL_BYTES) {
                        unread.add(file.path());
                        if (RepositoryIgnores.isIgnoreFile(file.path())) {
                            // What it names is unknown: nothing beside or below it is read (fails closed).
                            found.add(new RepositoryRules.RuleFile(file.path(), "**\n"));
                        }
                    } else {
                        total += file.size();
                        found.add(new RepositoryRules.RuleFile(file.path(),
                                new String(snapshot.read(file), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        if (!unread.isEmpty()) {
            log.warn("{} rules files (.gitattributes, ignore files for AI tools) were not read: with those read they"
                    + " are over {} KB; the directory of an ignore file not read is left out whole; first: {}",
                    unread.size(), MAX_TOTAL_BYTES / 1024, unread.get(0));
        }
        RepositoryRules.Documentation documentation = RepositoryRules.documentation(documentationBytes, otherBytes);
        if (documentation == RepositoryRules.Documentation.INDEXED) {
            log.info("mostly documentation ({} KB of documentation, {} KB of other files): its documentation is"
                    + " indexed", documentationBytes / 1024, otherBytes / 1024);
        } else {
            log.debug("documentation {} KB beside {} KB of other files: {}", documentationBytes / 1024,
                    otherBytes / 1024, documentation);
        }
        return RepositoryRules.parse(found, environmentMarkers).withDocumentation(documentation);
    }
}

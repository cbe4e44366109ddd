package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a repository's own files say about which of its files to index: the generated, vendored
 * and documentation marks of its {@code .gitattributes}, its ignore files for AI tools, the
 * Python virtual environments committed in it (a directory holding {@code pyvenv.cfg}: thousands of
 * public repositories have a {@code venv/} committed, its site-packages thousands of files of
 * other people's code), and whether it is mostly documentation (a book, a tutorial, a docs site's
 * sources: what the default excludes leave out of a code repository is all it has).
 *
 * @param environments  the directories that are virtual environments ("venv", "api/.env310")
 * @param documentation what becomes of its documentation ({@link FileFilter#DOCUMENTATION_GLOBS})
 */
public record RepositoryRules(RepositoryAttributes attributes, RepositoryIgnores ignores, Set<String> environments,
                              Documentation documentation) {
    /** A repository's documentation, by path and size. */
    public enum Documentation {
        /** It has none (that would be indexed but for the documentation globs). */
        NONE,
        /** It has some, beside more code and other files: left out. */
        LEFT_OUT,
        /** It is {@link #mostlyDocumentation mostly documentation}: indexed. */
        INDEXED
    }

    public static final RepositoryRules NONE = new RepositoryRules(RepositoryAttributes.NONE, RepositoryIgnores.NONE,
            Set.of());
    static final String ENVIRONMENT_MARKER = "pyvenv.cfg";
    /**
     * The share of documentation in the bytes a repository would have indexed with it, from which
     * it is a documentation repository: four fifths. Code bases with large manuals stay far under
     * it (Flask's documentation is 44 % of it, Click's 21 %), books and docs sites are over it (a
     * JavaScript book, ruanyf/es6tutorial: 92 %).
     */
    static final double DOCUMENTATION_SHARE = 0.8;

    public RepositoryRules {
        environments = Set.copyOf(environments);
        java.util.Objects.requireNonNull(documentation, "documentation");
    }

    public RepositoryRules(RepositoryAttributes attributes, RepositoryIgnores ignores, Set<String> environments) {
        this(attributes, ignores, environments, Documentation.NONE);
    }

    /**
     * What becomes of the documentation of a repository whose files the filter keeps hold
     * {@code otherBytes}, and whose documentation, left out by default, {@code documentationBytes}.
     */
    public static Documentation documentation(long documentationBytes, long otherBytes) {
        if (documentationBytes == 0) {
            return Documentation.NONE;
        }
        return documentationBytes >= DOCUMENTATION_SHARE * (documentationBytes + otherBytes)
                ? Documentation.INDEXED : Documentation.LEFT_OUT;
    }

    public RepositoryRules withDocumentation(Documentation documentation) {
        return new RepositoryRules(attributes, ignores, environments, documentation);
    }

    /** A rules file of the repository: its path and its text. */
    public record RuleFile(String path, String text) {
    }

    /** Whether {@code path} names a file whose rules this reads. */
    public static boolean isRuleFile(String path) {
        return RepositoryAttributes.isAttributesFile(path) || RepositoryIgnores.isIgnoreFile(path);
    }

    /**
     * Whether {@code path} marks its directory as a virtual environment: a {@code pyvenv.cfg} below
     * the root (one at the root is a repository made a virtual environment itself, whose code is
     * beside it; its site-packages are left out by the default excludes).
     */
    public static boolean isEnvironmentMarker(String path) {
        return path.endsWith("/" + ENVIRONMENT_MARKER);
    }

    /** Whether {@code path}'s content or presence decides about other files: a rules file or an environment's marker. */
    public static boolean concernsOtherFiles(String path) {
        return isRuleFile(path) || isEnvironmentMarker(path);
    }

    /** The virtual environment {@code path} is in, if any. */
    public Optional<String> environmentOf(String path) {
        if (environments.isEmpty()) {
            return Optional.empty();
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            String directory = path.substring(0, slash);
            if (environments.contains(directory)) {
                return Optional.of(directory);
            }
        }
        return Optional.empty();
    }

    /** Windows editors save a rules file with a byte-order mark, which would be part of its first pattern. */
    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** @param markers paths of {@code pyvenv.cfg} files ({@link #isEnvironmentMarker}) */
    public static RepositoryRules parse(List<RuleFile> files, List<String> markers) {
        List<RepositoryAttributes.File> attributes = new ArrayList<>();
        List<RepositoryIgnores.File> ignores = new ArrayList<>();
        for (RuleFile file : files) {
            int slash = file.path().lastIndexOf('/');
            String directory = slash < 0 ? "" : file.path().substring(0, slash);
            String name = file.path().substring(slash + 1);
            if (RepositoryAttributes.isAttributesFile(file.path())) {
                attributes.add(new RepositoryAttributes.File(directory, withoutByteOrderMark(file.text())));
            } else if (RepositoryIgnores.isIgnoreFile(file.path())) {
                ignores.add(new RepositoryIgnores.File(directory, name, withoutByteOrderMark(file.text())));
            }
        }
        Set<String> environments = new HashSet<>();
        markers.stream().filter(RepositoryRules::isEnvironmentMarker)
                .forEach(marker -> environments.add(marker.substring(0, marker.lastIndexOf('/'))));
        return new RepositoryRules(RepositoryAttributes.parse(attributes), RepositoryIgnores.parse(ignores),
                environments);
    }
}

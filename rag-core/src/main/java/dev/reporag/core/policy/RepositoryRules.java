package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * What a repository's own files say about which of its files to index: the generated, vendored
 * and documentation marks of its {@code .gitattributes}, and its ignore files for AI tools.
 */
public record RepositoryRules(RepositoryAttributes attributes, RepositoryIgnores ignores) {
    public static final RepositoryRules NONE = new RepositoryRules(RepositoryAttributes.NONE, RepositoryIgnores.NONE);

    /** A rules file of the repository: its path and its text. */
    public record RuleFile(String path, String text) {
    }

    /** Whether {@code path} names a file whose rules this reads. */
    public static boolean isRuleFile(String path) {
        return RepositoryAttributes.isAttributesFile(path) || RepositoryIgnores.isIgnoreFile(path);
    }

    public static RepositoryRules parse(List<RuleFile> files) {
        List<RepositoryAttributes.File> attributes = new ArrayList<>();
        List<RepositoryIgnores.File> ignores = new ArrayList<>();
        for (RuleFile file : files) {
            int slash = file.path().lastIndexOf('/');
            String directory = slash < 0 ? "" : file.path().substring(0, slash);
            String name = file.path().substring(slash + 1);
            if (RepositoryAttributes.isAttributesFile(file.path())) {
                attributes.add(new RepositoryAttributes.File(directory, file.text()));
            } else if (RepositoryIgnores.isIgnoreFile(file.path())) {
                ignores.add(new RepositoryIgnores.File(directory, name, file.text()));
            }
        }
        return new RepositoryRules(RepositoryAttributes.parse(attributes), RepositoryIgnores.parse(ignores));
    }
}

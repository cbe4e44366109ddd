package dev.reporag.core.model;

/** Why a file was left out of the index. */
public enum SkipReason {
    TOO_LARGE("larger than the size limit"),
    EXCLUDED_PATH("excluded by path pattern"),
    SECRET("may hold secrets"),
    BINARY("binary content"),
    LFS_POINTER("Git LFS pointer; the content is not fetched"),
    SYMLINK("symbolic link; never followed"),
    SUBMODULE("submodule; not fetched"),
    EMPTY("no text to index"),
    UNREADABLE("could not be read as text"),
    GITATTRIBUTES("marked linguist-generated in the repository's .gitattributes"),
    AI_IGNORED("named in the repository's ignore file for AI tools (.aiignore, .aiexclude, .cursorignore,"
            + " .ragignore, ...); never read");

    private final String description;

    SkipReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

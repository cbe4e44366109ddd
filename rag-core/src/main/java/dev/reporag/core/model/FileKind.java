package dev.reporag.core.model;

/** What a tracked path is in the repository; only regular files are ever read. */
public enum FileKind {
    REGULAR, SYMLINK, SUBMODULE
}

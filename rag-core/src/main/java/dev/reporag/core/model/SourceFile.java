package dev.reporag.core.model;

import java.util.Objects;

/**
 * A tracked file of a snapshot, without its content (read on demand through the snapshot).
 *
 * @param path     repository-relative, '/'-separated
 * @param size     bytes, from the object header: known before any content is loaded
 * @param blobId   content id (Git blob id, or any stable content hash)
 * @param language a short language name derived from the extension, or "text"
 */
public record SourceFile(String path, long size, String blobId, String language, FileKind kind) {
    public SourceFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(blobId, "blobId");
        Objects.requireNonNull(kind, "kind");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        language = language == null ? Languages.ofPath(path) : language;
    }

    public static SourceFile regular(String path, long size, String blobId) {
        return new SourceFile(path, size, blobId, null, FileKind.REGULAR);
    }
}

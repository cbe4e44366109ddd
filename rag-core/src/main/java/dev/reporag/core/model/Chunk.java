package dev.reporag.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * A piece of a file with exact line numbers for citations.
 *
 * @param id          deterministic (a name-based UUID of project, path, lines and content), so
 *                    re-running a job upserts rather than duplicates
 * @param startLine   1-based, inclusive
 * @param endLine     1-based, inclusive
 * @param contentHash SHA-256 of the text, hex
 */
public record Chunk(String id, ProjectId projectId, String path, String language, int startLine, int endLine,
                    String text, String contentHash) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(contentHash, "contentHash");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a chunk is never empty");
        }
        if (startLine < 1 || endLine < startLine) {
            throw new IllegalArgumentException("bad line range " + startLine + "-" + endLine);
        }
    }

    /** Builds a chunk whose id and hash are derived from its content. */
    public static Chunk of(ProjectId projectId, String path, String language, int startLine, int endLine, String text) {
        String hash = sha256(text);
        String name = projectId.value() + '\n' + path + '\n' + startLine + '\n' + endLine + '\n' + hash;
        String id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        return new Chunk(id, projectId, path, language, startLine, endLine, text, hash);
    }

    public String citation() {
        return path + ':' + startLine + '-' + endLine;
    }

    static String sha256(String text) {
        return HEX.formatHex(SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static final HexFormat HEX = HexFormat.of();

    /** One digest per thread: looking one up costs more than hashing a chunk. digest() resets it. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });
}

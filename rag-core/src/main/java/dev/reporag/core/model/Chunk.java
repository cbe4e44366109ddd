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
    private static final HexFormat HEX = HexFormat.of();

    /** One digest per thread: looking one up costs more than hashing a chunk. digest() resets it. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> digest("SHA-256"));
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> digest("MD5"));

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
        return new Chunk(idOf(projectId, path, startLine, endLine, hash), projectId, path, language, startLine, endLine,
                text, hash);
    }

    /** This chunk as another project's: the same content under the id it has there. */
    public Chunk inProject(ProjectId other) {
        return new Chunk(idOf(other, path, startLine, endLine, contentHash), other, path, language, startLine, endLine,
                text, contentHash);
    }

    /** A chunk's id: a name-based UUID (version 3) of its project, path, lines and content hash. */
    public static String idOf(ProjectId projectId, String path, int startLine, int endLine, String contentHash) {
        String name = projectId.value() + '\n' + path + '\n' + startLine + '\n' + endLine + '\n' + contentHash;
        return nameUuid(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public String citation() {
        return path + ':' + startLine + '-' + endLine;
    }

    static String sha256(String text) {
        return HEX.formatHex(SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@link UUID#nameUUIDFromBytes} (version 3, MD5), computed with this thread's digest: ids must
     * never change, or an upgrade would embed every chunk again.
     */
    static UUID nameUuid(byte[] name) {
        byte[] md5 = MD5.get().digest(name);
        md5[6] = (byte) ((md5[6] & 0x0f) | 0x30);
        md5[8] = (byte) ((md5[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (md5[i] & 0xff);
            lsb = (lsb << 8) | (md5[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}

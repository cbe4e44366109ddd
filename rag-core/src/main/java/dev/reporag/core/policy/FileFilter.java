package dev.reporag.core.policy;

import dev.reporag.core.model.FileKind;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFile;
import dev.reporag.core.model.SourceFile;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which files are indexed. Checks on the path and size come first and need no content;
 * checks on content (binary, LFS pointers, encoding) come after reading. Every skip has a reason.
 */
public final class FileFilter {
    /** Default size limit: larger files are rarely hand-written code. */
    public static final long DEFAULT_MAX_FILE_BYTES = 50 * 1024;

    /** Secrets: never read, never indexed. */
    public static final List<String> SECRET_GLOBS = List.of(
            ".env", ".env.*", "*.env", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.gpg",
            "*.asc", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa.*", ".npmrc", ".pypirc", ".netrc",
            ".git-credentials", "credentials", "credentials.*", "*.secret", "secrets.*", ".htpasswd",
            "*.tfstate", "*.tfvars", "*.kdbx");

    /**
     * Paths that are not hand-written code: docs, images and media, binaries and archives, lock
     * files, vendored, generated and minified code. README files are kept: they explain a project.
     */
    public static final List<String> DEFAULT_EXCLUDE_GLOBS = List.of(
            // documentation
            "docs/**", "doc/**", "*.rst", "*.adoc", "*.pdf", "CHANGELOG*", "LICENSE*", "NOTICE*",
            // images, media, fonts
            "*.png", "*.jpg", "*.jpeg", "*.gif", "*.bmp", "*.ico", "*.svg", "*.webp", "*.tif", "*.tiff",
            "*.psd", "*.mp3", "*.mp4", "*.mov", "*.avi", "*.wav", "*.ogg", "*.webm", "*.woff", "*.woff2",
            "*.ttf", "*.otf", "*.eot",
            // binaries and archives
            "*.exe", "*.dll", "*.so", "*.dylib", "*.class", "*.jar", "*.war", "*.ear", "*.o", "*.a", "*.obj",
            "*.bin", "*.wasm", "*.pyc", "*.pyo", "*.zip", "*.tar", "*.gz", "*.tgz", "*.bz2", "*.xz", "*.7z",
            "*.rar", "*.iso", "*.dmg", "*.db", "*.sqlite", "*.onnx", "*.pt", "*.parquet",
            // lock files
            "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "Gemfile.lock", "poetry.lock",
            "composer.lock", "go.sum", "Pipfile.lock", "*.lock", "npm-shrinkwrap.json",
            // vendored, generated, minified
            "node_modules/**", "vendor/**", "third_party/**", "third-party/**", "bower_components/**",
            "dist/**", "build/**", "target/**", "out/**", ".git/**", ".idea/**", ".vscode/**", "__pycache__/**",
            "*.min.js", "*.min.css", "*.map", "*.bundle.js", "*.pb.go", "*_pb2.py");

    private static final String LFS_POINTER = "version https://git-lfs.github.com/spec/";

    private final SecretRedactor redactor = new SecretRedactor();
    private final long maxFileBytes;
    private final GlobSet secrets;
    private final GlobSet excludes;
    private final GlobSet includes;

    /**
     * @param excludeGlobs   paths to leave out (matched against the whole path and, for patterns
     *                       without '/', against every directory level)
     * @param includeGlobs   paths to keep even when an exclude matches (secrets stay out)
     */
    public FileFilter(long maxFileBytes, List<String> excludeGlobs, List<String> includeGlobs) {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("the file size limit must be positive");
        }
        this.maxFileBytes = maxFileBytes;
        this.secrets = new GlobSet(SECRET_GLOBS);
        this.excludes = new GlobSet(excludeGlobs);
        this.includes = new GlobSet(includeGlobs);
    }

    public static FileFilter defaults() {
        return new FileFilter(DEFAULT_MAX_FILE_BYTES, DEFAULT_EXCLUDE_GLOBS, List.of());
    }

    /** Adds exclusions to the defaults. */
    public static FileFilter withExtraExcludes(long maxFileBytes, List<String> extraExcludes, List<String> includes) {
        List<String> all = new ArrayList<>(DEFAULT_EXCLUDE_GLOBS);
        all.addAll(extraExcludes);
        return new FileFilter(maxFileBytes, all, includes);
    }

    public long maxFileBytes() {
        return maxFileBytes;
    }

    /** Checks that need no content: kind, secrets, excluded paths, size. */
    public Optional<SkippedFile> checkPath(SourceFile file) {
        if (file.kind() == FileKind.SYMLINK) {
            return skip(file, SkipReason.SYMLINK, null);
        }
        if (file.kind() == FileKind.SUBMODULE) {
            return skip(file, SkipReason.SUBMODULE, null);
        }
        if (secrets.matches(file.path())) {
            return skip(file, SkipReason.SECRET, "may hold secrets; never read");
        }
        if (excludes.matches(file.path()) && !includes.matches(file.path())) {
            return skip(file, SkipReason.EXCLUDED_PATH, null);
        }
        if (file.size() > maxFileBytes) {
            return skip(file, SkipReason.TOO_LARGE, file.size() + " bytes is over the limit of " + maxFileBytes);
        }
        if (file.size() == 0) {
            return skip(file, SkipReason.EMPTY, null);
        }
        return Optional.empty();
    }

    /**
     * Decodes content as UTF-8 text with secret-shaped strings redacted, or says why it is not
     * indexable text.
     */
    public Decoded decode(SourceFile file, byte[] content) {
        if (content.length > maxFileBytes) {
            return new Decoded(null, new SkippedFile(file.path(), SkipReason.TOO_LARGE,
                    content.length + " bytes is over the limit of " + maxFileBytes));
        }
        for (byte b : content) {
            if (b == 0) {
                // Binary, even when text comes first; and PostgreSQL cannot store NUL in text.
                return new Decoded(null, new SkippedFile(file.path(), SkipReason.BINARY, "contains NUL bytes"));
            }
        }
        // The String constructor's decoder is the JDK's fastest, but it replaces malformed input
        // with U+FFFD: only text holding that character is decoded again, strictly, to tell.
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0 && !isValidUtf8(content)) {
            return new Decoded(null, new SkippedFile(file.path(), SkipReason.UNREADABLE, "not valid UTF-8 text"));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.startsWith(LFS_POINTER)) {
            return new Decoded(null, new SkippedFile(file.path(), SkipReason.LFS_POINTER, null));
        }
        if (text.isBlank()) {
            return new Decoded(null, new SkippedFile(file.path(), SkipReason.EMPTY, null));
        }
        return new Decoded(redactor.redact(text).text(), null);
    }

    private static boolean isValidUtf8(byte[] content) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Either text to index or the reason it was skipped. */
    public record Decoded(String text, SkippedFile skipped) {
        public boolean isText() {
            return text != null;
        }
    }

    private static Optional<SkippedFile> skip(SourceFile file, SkipReason reason, String detail) {
        return Optional.of(new SkippedFile(file.path(), reason, detail));
    }
}

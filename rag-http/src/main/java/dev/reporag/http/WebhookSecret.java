package dev.reporag.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The shared secret of the Git hosts' webhooks ({@code RAG_WEBHOOK_SECRET}), and the checks of what
 * they send with it. Every comparison is constant-time ({@link MessageDigest#isEqual}); the secret
 * is never printed.
 */
public final class WebhookSecret {
    private static final String GITHUB_PREFIX = "sha256=";
    private final byte[] secret;

    public WebhookSecret(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * GitHub's {@code X-Hub-Signature-256}: {@code sha256=} and the hex HMAC-SHA256 of the raw body
     * with the secret.
     */
    public boolean validGitHubSignature(byte[] body, String header) {
        if (header == null || !header.startsWith(GITHUB_PREFIX)) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header.substring(GITHUB_PREFIX.length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(body), presented);
    }

    /** GitLab's {@code X-Gitlab-Token}: the secret itself; digests are compared, whatever its length. */
    public boolean validGitLabToken(String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(secret), sha256(header.getBytes(StandardCharsets.UTF_8)));
    }

    /** The value GitHub would send in {@code X-Hub-Signature-256} for {@code body}. */
    public String gitHubSignature(byte[] body) {
        return GITHUB_PREFIX + HexFormat.of().formatHex(hmacSha256(body));
    }

    private byte[] hmacSha256(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSecret[<set>]";
    }
}

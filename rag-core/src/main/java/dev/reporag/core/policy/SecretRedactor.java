package dev.reporag.core.policy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret-shaped strings in ordinary source files (API keys, tokens, private keys,
 * passwords in assignments and URLs) with {@code [REDACTED]} before anything is embedded or
 * stored. Line breaks are kept, so citations still point at the right lines.
 */
public final class SecretRedactor {
    static final String MARK = "[REDACTED]";

    /** Whole matches that are secrets by their shape alone. */
    private static final List<Pattern> TOKENS = List.of(
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----.*?-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----",
                    Pattern.DOTALL),
            Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b"),
            Pattern.compile("\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
            Pattern.compile("\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}"),
            Pattern.compile("\\bgithub_pat_[A-Za-z0-9_]{22,}"),
            Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"),
            Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("\\b[sr]k_(?:live|test)_[0-9a-zA-Z]{20,}"),
            Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"),
            Pattern.compile("\\bgsk_[A-Za-z0-9]{20,}"),
            Pattern.compile("\\bhf_[A-Za-z0-9]{30,}"),
            Pattern.compile("\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}"));

    /** Secrets in context: only the value (group "v") is replaced, the name stays readable. */
    private static final List<Pattern> VALUES = List.of(
            // password = "hunter2hunter2", "apiKey": "abc...", SECRET_TOKEN='...'
            Pattern.compile("(?i)(?:pass(?:word|wd)?|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token"
                    + "|private[_-]?key|client[_-]?secret)[\\w.-]*[\"']?\\s*[:=]\\s*[\"'](?<v>[^\"'\\s]{8,})[\"']"),
            // scheme://user:password@host
            Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]+:(?<v>[^/\\s@]{3,})@"));

    /** The text with secrets replaced, and how many were. */
    public record Result(String text, int redactions) {
    }

    public Result redact(String text) {
        int count = 0;
        String out = text;
        for (Pattern pattern : TOKENS) {
            Matcher m = pattern.matcher(out);
            StringBuilder sb = new StringBuilder();
            boolean found = false;
            while (m.find()) {
                found = true;
                count++;
                m.appendReplacement(sb, Matcher.quoteReplacement(MARK + keepNewlines(m.group())));
            }
            if (found) {
                m.appendTail(sb);
                out = sb.toString();
            }
        }
        for (Pattern pattern : VALUES) {
            Matcher m = pattern.matcher(out);
            StringBuilder sb = new StringBuilder();
            boolean found = false;
            int last = 0;
            while (m.find()) {
                if (m.group("v").equals(MARK) || m.group("v").startsWith("[REDACTED")) {
                    continue;
                }
                found = true;
                count++;
                sb.append(out, last, m.start("v")).append(MARK);
                last = m.end("v");
            }
            if (found) {
                sb.append(out, last, out.length());
                out = sb.toString();
            }
        }
        return new Result(out, count);
    }

    private static String keepNewlines(String secret) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < secret.length(); i++) {
            if (secret.charAt(i) == '\n') {
                lines.append('\n');
            }
        }
        return lines.toString();
    }
}

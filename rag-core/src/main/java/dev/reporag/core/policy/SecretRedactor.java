package dev.reporag.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret-shaped strings in ordinary source files (API keys, tokens, private keys,
 * passwords in assignments and URLs) with {@code [REDACTED]} before anything is embedded or
 * stored. Line breaks are kept, so citations still point at the right lines.
 *
 * <p>Formats (docs/reliability.md lists each with its test): provider tokens by shape; quoted
 * assignments in code and JSON ({@code password = "..."}, {@code "apiKey": "..."}); unquoted
 * values of secret-named keys at the start of a line (YAML, .properties, INI, TOML, .env, with or
 * without {@code export}); XML elements ({@code <password>}); URL user info; URL and connection
 * string parameters ({@code ?password=}, {@code ;Password=}, Azure {@code AccountKey=});
 * {@code Authorization: Basic/Bearer} values; Slack webhook URLs.
 *
 * <p>It runs over every file, so each rule first looks for a cheap literal ("AKIA", "://", a
 * quote and '=' on a line) and runs its regular expression only where that is found.
 */
public final class SecretRedactor {
    static final String MARK = "[REDACTED]";

    /** A secret recognised by its shape alone, and the literals one of which it always contains. */
    private record TokenRule(Pattern pattern, List<String> needles) {
    }

    private static final List<TokenRule> TOKENS = List.of(
            rule("-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----.*?-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----",
                    "PRIVATE KEY"),
            rule("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b", "AKIA", "ASIA", "AGPA", "AIDA", "AROA"),
            rule("\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "sk-"),
            rule("\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
            rule("\\bgithub_pat_[A-Za-z0-9_]{22,}", "github_pat_"),
            rule("\\bglpat-[A-Za-z0-9_-]{20,}", "glpat-"),
            rule("\\bxox[abposr]-[A-Za-z0-9-]{10,}", "xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"),
            rule("\\b[sr]k_(?:live|test)_[0-9a-zA-Z]{20,}", "k_live_", "k_test_"),
            rule("\\bAIza[0-9A-Za-z_-]{35}", "AIza"),
            rule("\\bgsk_[A-Za-z0-9]{20,}", "gsk_"),
            rule("\\bhf_[A-Za-z0-9]{30,}", "hf_"),
            rule("\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}", "eyJ"));

    /** password = "hunter2hunter2", "apiKey": "abc...", SECRET_TOKEN='...': the value goes. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)(?:pass(?:word|wd)?|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token"
                    + "|private[_-]?key|client[_-]?secret)[\\w.-]*[\"']?\\s*[:=]\\s*[\"'](?<v>[^\"'\\s]{6,})[\"']");
    private static final List<String> ASSIGNMENT_WORDS = List.of("pass", "secret", "key", "token");

    /** After "://": user:password@ — the password goes. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile("[^/\\s:@]+:(?<v>[^/\\s@]{3,})@");

    /** {@code <password>...</password>} and other secret-named elements (Maven settings.xml, Spring XML). */
    private static final Pattern XML_ELEMENT = Pattern.compile(
            "(?i)<(?<tag>[\\w.-]{0,40}(?:password|passwd|passphrase|secret|token|api-?key|access-?key|private-?key"
                    + "|account-?key))>(?<v>[^<\\s][^<\\n]{2,})</\\k<tag>>");
    /** How the names in {@link #XML_ELEMENT} end, lower case: the rule runs on lines where '>' follows one. */
    private static final List<String> XML_NAME_ENDS = List.of("word", "phrase", "secret", "token", "key");

    /** {@code ?password=...}, {@code &token=...}, {@code ;Password=...;} in URLs and connection strings. */
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)(?<=[?&;])(?:password|passwd|pwd|secret|client_secret|token|access_token|api_?key"
                    + "|accountkey|sharedaccesskey|sharedaccesssignature|sig)=(?<v>[^&;\\s\"'<>#(),]{3,})");
    /** How the names in {@link #PARAMETER} end, lower case: the rule runs on lines where '=' follows one. */
    private static final List<String> PARAMETER_NAME_ENDS = List.of("word", "pwd", "passwd", "secret", "token", "key",
            "signature", "sig");

    /** {@code Authorization: Basic dXNlcjpw...}, {@code "Authorization": "Bearer abc..."}. */
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)authorization[\"']?\\s*[:=,]\\s*[\"']?(?:basic|bearer|token)\\s+(?<v>[A-Za-z0-9+/=._~-]{8,})");

    /** Slack incoming webhooks: the path is the secret. */
    private static final Pattern SLACK_WEBHOOK = Pattern.compile(
            "hooks\\.slack\\.com/(?:services|workflows|triggers)/(?<v>[A-Za-z0-9/_-]{10,})");

    /** Words that make a key secret-named, compared with the key lower-cased and without '_', '-', '.'. */
    private static final List<String> SECRET_KEY_WORDS = List.of("password", "passwd", "passphrase", "secret",
            "token", "credential", "apikey", "accesskey", "privatekey", "accountkey", "signingkey", "encryptionkey",
            "masterkey");

    /** Cheap first test of a key: one of these in it, in any case (then {@link #secretNamed} decides). */
    private static final List<String> UNQUOTED_KEY_HINTS = List.of("pass", "secret", "token", "credential", "key");

    private static TokenRule rule(String regex, String... needles) {
        return new TokenRule(Pattern.compile(regex, Pattern.DOTALL), List.of(needles));
    }

    /** The text with secrets replaced, and how many were. */
    public record Result(String text, int redactions) {
    }

    public Result redact(String text) {
        int count = 0;
        String out = text;
        boolean[] mayMatch = rulesWithANeedleIn(text);
        for (int r = 0; r < TOKENS.size(); r++) {
            if (!mayMatch[r]) {
                continue;
            }
            TokenRule rule = TOKENS.get(r);
            Matcher m = rule.pattern().matcher(out);
            StringBuilder sb = null;
            while (m.find()) {
                if (sb == null) {
                    sb = new StringBuilder(out.length());
                }
                count++;
                m.appendReplacement(sb, Matcher.quoteReplacement(MARK + keepNewlines(m.group())));
            }
            if (sb != null) {
                m.appendTail(sb);
                out = sb.toString();
            }
        }
        List<int[]> values = new ArrayList<>();
        findAssignedValues(out, values);
        findUrlPasswords(out, values);
        findUnquotedValues(out, values);
        findValuesAfterNames(out, '>', XML_NAME_ENDS, XML_ELEMENT, values);
        findValuesAfterNames(out, '=', PARAMETER_NAME_ENDS, PARAMETER, values);
        findValues(out, AUTHORIZATION, List.of("uthorization", "UTHORIZATION"), values);
        findValues(out, SLACK_WEBHOOK, List.of("hooks.slack.com"), values);
        if (values.isEmpty()) {
            return new Result(out, count);
        }
        values.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder sb = new StringBuilder(out.length());
        int last = 0;
        for (int[] value : values) {
            if (value[0] < last) {
                last = Math.max(last, value[1]); // overlaps one already replaced
                continue;
            }
            sb.append(out, last, value[0]).append(MARK);
            last = value[1];
            count++;
        }
        sb.append(out, last, out.length());
        return new Result(sb.toString(), count);
    }

    /**
     * Characters that are rare in source code, one in every needle: each occurrence of a needle is
     * found from its anchor, and the anchors themselves by {@link String#indexOf(int)}, which is
     * fast. Testing needles at every position took a third of the time spent on a file.
     */
    private static final String ANCHORS = "-_APJ";

    /** A needle of a rule, with the position of its anchor character in it. */
    private record Needle(int rule, String text, int anchorAt) {
    }

    /** For each anchor, in {@link #ANCHORS} order, the needles found from it. */
    private static final List<List<Needle>> NEEDLES_BY_ANCHOR = needlesByAnchor();

    private static List<List<Needle>> needlesByAnchor() {
        List<List<Needle>> byAnchor = new ArrayList<>();
        for (int a = 0; a < ANCHORS.length(); a++) {
            byAnchor.add(new ArrayList<>());
        }
        for (int r = 0; r < TOKENS.size(); r++) {
            for (String needle : TOKENS.get(r).needles()) {
                int anchor = -1;
                for (int i = 0; i < needle.length() && anchor < 0; i++) {
                    anchor = ANCHORS.indexOf(needle.charAt(i));
                    if (anchor >= 0) {
                        byAnchor.get(anchor).add(new Needle(r, needle, i));
                    }
                }
                if (anchor < 0) {
                    throw new IllegalStateException("needle without an anchor character: " + needle);
                }
            }
        }
        return byAnchor;
    }

    /**
     * Which rules have one of their needles in the text. A replacement never creates a needle (no
     * needle holds "[", "]" or a line break), so this also holds for the text as earlier rules
     * leave it.
     */
    private static boolean[] rulesWithANeedleIn(String text) {
        boolean[] found = new boolean[TOKENS.size()];
        int left = found.length;
        for (int a = 0; a < ANCHORS.length(); a++) {
            List<Needle> needles = NEEDLES_BY_ANCHOR.get(a);
            char anchor = ANCHORS.charAt(a);
            for (int at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + 1)) {
                for (Needle needle : needles) {
                    int start = at - needle.anchorAt();
                    if (!found[needle.rule()] && start >= 0 && text.startsWith(needle.text(), start)) {
                        found[needle.rule()] = true;
                        if (--left == 0) {
                            return found;
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * Only lines with a quote, an '=' or ':', and a telling word are matched against the pattern;
     * lines are found from their quotes, so the many without one are never looked at.
     */
    private static void findAssignedValues(String text, List<int[]> values) {
        Matcher m = ASSIGNMENT.matcher(text);
        int nextDouble = text.indexOf('"');
        int nextSingle = text.indexOf('\'');
        int start = 0;
        while (start < text.length()) {
            if (nextDouble >= 0 && nextDouble < start) {
                nextDouble = text.indexOf('"', start);
            }
            if (nextSingle >= 0 && nextSingle < start) {
                nextSingle = text.indexOf('\'', start);
            }
            int quote = nextDouble < 0 ? nextSingle : nextSingle < 0 ? nextDouble : Math.min(nextDouble, nextSingle);
            if (quote < 0) {
                return;
            }
            start = text.lastIndexOf('\n', quote) + 1; // the quote's line; at or after the current start
            int end = text.indexOf('\n', quote);
            end = end < 0 ? text.length() : end;
            if (candidateLine(text, start, end)) {
                m.region(start, end);
                while (m.find()) {
                    if (looksLikeSecret(m.group("v"))) {
                        values.add(new int[]{m.start("v"), m.end("v")});
                    }
                }
            }
            start = end + 1;
        }
    }

    /**
     * Names and placeholders are not secrets: {@code PASSWORD_FILE = "jmxremote.password"},
     * {@code TOKEN = "{USERNAME}"}, {@code ER_TOKENS = "ER_TOKENS"}. A secret has a digit, a symbol
     * or mixed case, and does not spell out what it is.
     */
    static boolean looksLikeSecret(String value) {
        if (value.startsWith("[REDACTED") || "{<$%[".indexOf(value.charAt(0)) >= 0 || value.contains("${")) {
            return false;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (String word : ASSIGNMENT_WORDS) {
            if (lower.contains(word)) {
                return false;
            }
        }
        boolean digit = false;
        boolean upper = false;
        boolean lowerCase = false;
        boolean symbol = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            digit |= Character.isDigit(c);
            upper |= Character.isUpperCase(c);
            lowerCase |= Character.isLowerCase(c);
            symbol |= !Character.isLetterOrDigit(c) && c != '.' && c != '-' && c != '_';
        }
        boolean identifierLike = value.matches("[A-Z][A-Z0-9_]*|[a-z][a-zA-Z]*");
        return !identifierLike && (digit || symbol || (upper && lowerCase));
    }

    private static boolean candidateLine(String text, int start, int end) {
        boolean quote = false;
        boolean assign = false;
        for (int i = start; i < end && !(quote && assign); i++) {
            char c = text.charAt(i);
            quote |= c == '"' || c == '\'';
            assign |= c == '=' || c == ':';
        }
        if (!quote || !assign) {
            return false;
        }
        for (String word : ASSIGNMENT_WORDS) {
            if (containsIgnoreCase(text, start, end, word)) {
                return true;
            }
        }
        return false;
    }

    /** Whether text[start, end) holds {@code word} (lower case ASCII) in any case, without copying the line. */
    private static boolean containsIgnoreCase(String text, int start, int end, String word) {
        char first = word.charAt(0);
        char firstUpper = Character.toUpperCase(first);
        for (int i = start; i <= end - word.length(); i++) {
            char c = text.charAt(i);
            if ((c == first || c == firstUpper) && text.regionMatches(true, i + 1, word, 1, word.length() - 1)) {
                return true;
            }
        }
        return false;
    }

    private static void findUrlPasswords(String text, List<int[]> values) {
        Matcher m = URL_CREDENTIALS.matcher(text);
        for (int at = text.indexOf("://"); at >= 0; at = text.indexOf("://", at + 3)) {
            m.region(at + 3, text.length());
            if (m.lookingAt() && !m.group("v").startsWith("[REDACTED")) {
                values.add(new int[]{m.start("v"), m.end("v")});
            }
        }
    }

    /**
     * Unquoted values of secret-named keys, one line at a time: {@code password: Abc123x},
     * {@code spring.datasource.password=...}, {@code export DB_PASSWORD=...}. The key must start the
     * line and the value must be the rest of it (an inline {@code #} or {@code ;} comment aside),
     * with no quote, bracket, parenthesis, comma or semicolon: in code such a line is a statement
     * ({@code password = read();}, {@code String password}), which is left alone.
     */
    private static void findUnquotedValues(String text, List<int[]> values) {
        int lastLine = -1;
        for (char separator : new char[] {'=', ':'}) {
            for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
                int lineStart = keyLineStart(text, at);
                if (lineStart >= 0 && lineStart != lastLine) {
                    lastLine = lineStart;
                    int end = text.indexOf('\n', at);
                    unquotedValue(text, lineStart, end < 0 ? text.length() : end, values);
                }
            }
        }
    }

    /**
     * Found from each '=' and ':' (fast): where the line starts, when only a key (letters, digits,
     * '_', '.', '-', blanks; a list mark) stands before the separator and it names a secret; else -1.
     */
    private static int keyLineStart(String text, int separator) {
        // The word just before the separator must name a secret ("password", "DB_PASSWORD",
        // "staging password"): most separators in code are ruled out here, by a few characters.
        int wordEnd = separator;
        while (wordEnd > 0 && (text.charAt(wordEnd - 1) == ' ' || text.charAt(wordEnd - 1) == '\t')) {
            wordEnd--;
        }
        int wordStart = wordEnd;
        while (wordStart > 0 && wordEnd - wordStart <= 120 && isKeyChar(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        if (wordEnd - wordStart < 3 || !hasKeyHint(text, wordStart, wordEnd)) {
            return -1;
        }
        int i = wordStart - 1;
        int limit = Math.max(0, separator - 120);
        while (i >= limit) {
            char c = text.charAt(i);
            if (c == '\n') {
                break;
            }
            if (!isKeyChar(c) && c != ' ' && c != '\t' && c != '*') {
                return -1;
            }
            i--;
        }
        if (i >= limit && i >= 0 && text.charAt(i) != '\n') {
            return -1;
        }
        if (i < limit && limit > 0 && text.charAt(limit - 1) != '\n') {
            return -1; // too long for a key
        }
        return i + 1;
    }

    private static boolean hasKeyHint(String text, int start, int end) {
        for (String word : UNQUOTED_KEY_HINTS) {
            if (containsIgnoreCase(text, start, end, word)) {
                return true;
            }
        }
        return false;
    }

    private static void unquotedValue(String text, int start, int end, List<int[]> values) {
        int i = skipBlanks(text, start, end);
        if (text.startsWith("export ", i)) {
            i = skipBlanks(text, i + 7, end);
        } else if (text.startsWith("- ", i) || text.startsWith("* ", i)) { // a YAML or Markdown list item
            i = skipBlanks(text, i + 2, end);
        }
        int keyStart = i;
        int keyEnd = i;
        for (int words = 1; ; words++) { // prose may name it in words: "staging password: ..."
            while (i < end && isKeyChar(text.charAt(i))) {
                i++;
            }
            keyEnd = i;
            i = skipBlanks(text, i, end);
            if (words == 4 || i >= end || !isKeyChar(text.charAt(i))) {
                break;
            }
        }
        if (keyEnd - keyStart < 3 || keyEnd - keyStart > 120 || i >= end
                || (text.charAt(i) != ':' && (text.charAt(i) != '=' || hasBlank(text, keyStart, keyEnd)))) {
            return; // "String password = x" is code: several words name a key only before ':'
        }
        int valueStart = skipBlanks(text, i + 1, end);
        int valueEnd = valueStart;
        while (valueEnd < end && !Character.isWhitespace(text.charAt(valueEnd))) {
            if ("\"'`;,()[]{}<>".indexOf(text.charAt(valueEnd)) >= 0) {
                return;
            }
            valueEnd++;
        }
        int rest = skipBlanks(text, valueEnd, end);
        if (rest < end && text.charAt(rest) != '#' && text.charAt(rest) != ';' && text.charAt(rest) != '\r') {
            return; // more words: prose or code, not one value
        }
        if (valueEnd - valueStart < 6 || !secretNamed(text.substring(keyStart, keyEnd))) {
            return;
        }
        String value = text.substring(valueStart, valueEnd);
        boolean digitsOnly = value.chars().allMatch(Character::isDigit); // a port, a length, a time
        // a type, a word or a qualified name: "String", "Collections.synchronizedSet"
        boolean lettersOnly = value.chars().allMatch(c -> Character.isLetter(c) || c == '.' || c == '_');
        if (!digitsOnly && !lettersOnly && !value.startsWith("/") && !value.contains("://") && looksLikeSecret(value)) {
            values.add(new int[]{valueStart, valueEnd});
        }
    }

    private static boolean hasBlank(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                return true;
            }
        }
        return false;
    }

    private static int skipBlanks(String text, int at, int end) {
        while (at < end && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        return at;
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == '-';
    }

    static boolean secretNamed(String key) {
        StringBuilder plain = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '_' && c != '-' && c != '.') {
                plain.append(Character.toLowerCase(c));
            }
        }
        String k = plain.toString();
        for (String word : SECRET_KEY_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Values of one pattern's group {@code v}, on the lines holding one of its literals: the pattern
     * runs over those lines only, once per line. Placeholders ({@code ${DB_PASSWORD}},
     * {@code YOUR_TOKEN}) and plain words or numbers in XML ({@code <token>list</token>}) are left.
     */
    private static void findValues(String text, Pattern pattern, List<String> needles, List<int[]> values) {
        Matcher m = null;
        for (String needle : needles) {
            for (int at = text.indexOf(needle); at >= 0; ) {
                int start = text.lastIndexOf('\n', at) + 1;
                int end = text.indexOf('\n', at);
                end = end < 0 ? text.length() : end;
                m = m == null ? pattern.matcher(text) : m;
                m.region(start, end);
                while (m.find()) {
                    String value = m.group("v");
                    if (!placeholder(value) && !(pattern == XML_ELEMENT && plainWordOrNumber(value))) {
                        values.add(new int[]{m.start("v"), m.end("v")});
                    }
                }
                at = end < text.length() ? text.indexOf(needle, end) : -1;
            }
        }
    }

    /**
     * Like {@link #findValues}, for rules whose secret follows a name and a separator: the
     * separator is found with {@link String#indexOf(int)} (fast), and the pattern runs only on lines
     * where it follows one of the names' endings.
     */
    private static void findValuesAfterNames(String text, char separator, List<String> nameEnds, Pattern pattern,
                                             List<int[]> values) {
        Matcher m = null;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
            if (!endsWithOneOf(text, at, nameEnds)) {
                continue;
            }
            int start = text.lastIndexOf('\n', at) + 1;
            int end = text.indexOf('\n', at);
            end = end < 0 ? text.length() : end;
            m = m == null ? pattern.matcher(text) : m;
            m.region(start, end);
            while (m.find()) {
                String value = m.group("v");
                if (!placeholder(value) && !(pattern == XML_ELEMENT && plainWordOrNumber(value))) {
                    values.add(new int[]{m.start("v"), m.end("v")});
                }
            }
            at = end;
        }
    }

    private static boolean endsWithOneOf(String text, int at, List<String> ends) {
        if (at == 0 || !Character.isLetter(text.charAt(at - 1))) {
            return false;
        }
        for (String end : ends) {
            int from = at - end.length();
            if (from >= 0 && text.regionMatches(true, from, end, 0, end.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean placeholder(String value) {
        return value.startsWith("[REDACTED") || value.startsWith("$") || value.startsWith("%")
                || value.matches("[A-Z][A-Z0-9_]*");
    }

    private static boolean plainWordOrNumber(String value) {
        return value.chars().allMatch(Character::isLetter) || value.chars().allMatch(Character::isDigit);
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

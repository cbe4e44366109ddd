package dev.reporag.git;

import dev.reporag.core.policy.SourceKind;
import dev.reporag.core.port.SourceException;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Decides whether a repository source given by a user may be fetched, because sources come from
 * users and a fetch is a request this server makes on their behalf (SSRF).
 *
 * <p>Remote sources must be https URLs whose host is allowed (optional allowlist) and resolves only
 * to public addresses. Local paths, file://, http:// and git:// need local sources enabled, which
 * also lets loopback hosts through; private, link-local, CGNAT, multicast and unspecified addresses
 * are refused either way. ssh and remote helpers (ext::) are always refused. Numeric hosts are read
 * the way inet_aton reads them (decimal, octal, hex, short forms), and only the usual a.b.c.d
 * spelling is accepted.
 */
final class SourceUrlPolicy {
    static final String LOCAL_SWITCH = "RAG_ALLOW_LOCAL_SOURCES=true";

    /** Longer sources are refused before any parsing, so every check below works on bounded input. */
    static final int MAX_SOURCE_LENGTH = 2048;
    /** DNS limits (RFC 1035): a whole name and one label. */
    static final int MAX_HOST_LENGTH = 253;
    static final int MAX_LABEL_LENGTH = 63;
    static final String CREDENTIALS_HINT = "credentials are never accepted in a repository URL (they would be"
            + " stored with the project and shown to everyone who can list projects); remove the user info"
            + " before '@' and give the server a token for the host instead: RAG_GIT_TOKEN_<HOST> (e.g."
            + " RAG_GIT_TOKEN_GITLAB_COM), RAG_GIT_TOKENS=<host>=<token>, or GITHUB_TOKEN for github.com"
            + " (docs/git-source.md)";
    private static final Pattern NUMERIC_LABEL = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final Pattern CANONICAL_V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+");

    private final boolean allowLocal;
    private final Set<String> allowedHosts;
    private final HostResolver resolver;

    SourceUrlPolicy(boolean allowLocal, Set<String> allowedHosts, HostResolver resolver) {
        this.allowLocal = allowLocal;
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.resolver = resolver;
    }

    /** Full check before a fetch: a host that does not resolve is a network failure. */
    SourceLocation check(String source) {
        return check(source, true);
    }

    /**
     * Check before a project is stored: everything {@link #check} refuses, except that a host name
     * which does not resolve right now passes (it is checked again when fetched).
     */
    SourceLocation checkWithoutRequiringDns(String source) {
        return check(source, false);
    }

    /** Checks one HTTP endpoint JGit connects to, including every redirect target. */
    void checkEndpoint(String scheme, String host, String display) {
        String normalizedScheme = scheme.toLowerCase(Locale.ROOT);
        checkScheme(normalizedScheme, display);
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        checkHost(normalizeHost(h, display), display, true);
    }

    private SourceLocation check(String source, boolean requireDns) {
        if (source == null || source.isBlank()) {
            throw new SourceException("the repository source is empty");
        }
        String s = source.strip();
        String display = displayable(s);
        if (s.length() > MAX_SOURCE_LENGTH) {
            throw refused(display, "it is longer than " + MAX_SOURCE_LENGTH + " characters");
        }
        SourceKind kind = SourceKind.of(s);
        if (kind == SourceKind.REMOTE_HELPER) {
            throw refused(display, "remote helpers such as ext:: run commands and are never allowed");
        }
        if (s.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '\\')) {
            throw refused(display, "it contains spaces, control characters or backslashes");
        }
        // A scheme has no ':' or '/', so the first "://" ends it.
        int schemeEnd = s.indexOf("://");
        return switch (kind) {
            case FILE_URL -> localFileUrl(s.substring(schemeEnd + 3), display);
            case URL -> remote(s.substring(0, schemeEnd).toLowerCase(Locale.ROOT), s.substring(schemeEnd + 3), display,
                    requireDns);
            case SCP_LIKE -> {
                if (userInfoEnd(s) > 0 && s.substring(0, userInfoEnd(s)).indexOf(':') >= 0) {
                    throw refused(display, CREDENTIALS_HINT);
                }
                throw refused(display, "ssh sources are not supported; use the https URL of the repository");
            }
            case PATH -> localPath(s, display);
            case REMOTE_HELPER -> throw new IllegalStateException("refused above");
        };
    }

    private SourceLocation remote(String scheme, String rest, String display, boolean requireDns) {
        checkScheme(scheme, display);
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw refused(display, "a repository URL has no query or fragment");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        if (authority.indexOf('@') >= 0) {
            throw refused(display, CREDENTIALS_HINT);
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw refused(display, "the IPv6 address is not closed by ']'");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw refused(display, "unexpected text after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port = port(scheme, portText, display);
        host = normalizeHost(host, display);
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            throw refused(display, "the URL names a host but no repository");
        }
        checkHost(host, display, requireDns);
        return new SourceLocation.Remote(scheme, host, port, path);
    }

    private void checkScheme(String scheme, String display) {
        switch (scheme) {
            case "https" -> {
            }
            case "http", "git" -> {
                if (!allowLocal) {
                    throw refused(display, scheme + ":// is not encrypted; use an https URL");
                }
            }
            case "ssh", "git+ssh", "ssh+git" ->
                    throw refused(display, "ssh sources are not supported; use the https URL of the repository");
            default -> throw refused(display, "the scheme '" + scheme + "' is not supported; use an https URL");
        }
    }

    private static int port(String scheme, String text, String display) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw refused(display, "the port is not a number from 1 to 65535");
        }
        int port = Integer.parseInt(text);
        boolean defaultPort = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)
                || (scheme.equals("git") && port == 9418);
        return defaultPort ? -1 : port;
    }

    private static String normalizeHost(String host, String display) {
        if (host.isEmpty()) {
            throw refused(display, "the URL has no host");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0) {
            if (!IPV6_CHARS.matcher(h).matches()) {
                throw refused(display, "'" + host + "' is not a valid IPv6 address");
            }
            return h;
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.length() > MAX_HOST_LENGTH) { // before IDN: its ASCII form is never shorter
            throw refused(display, "the host name is longer than " + MAX_HOST_LENGTH + " characters (the DNS limit)");
        }
        try {
            h = h.chars().allMatch(c -> c < 128) ? h : IDN.toASCII(h).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw refused(display, "'" + shortened(host) + "' is not a valid host name");
        }
        String problem = hostNameProblem(h);
        if (problem != null) {
            throw refused(display, "'" + shortened(host) + "' is not a valid host name: " + problem);
        }
        return h;
    }

    /**
     * Why an ASCII host name breaks the DNS rules (letters, digits, '-' and '_', labels of 1 to 63
     * characters, at most 253 in all), or null. One pass over the characters: no regular expression,
     * so no recursion or backtracking that grows with the input.
     */
    static String hostNameProblem(String host) {
        if (host.length() > MAX_HOST_LENGTH) {
            return "a host name has at most " + MAX_HOST_LENGTH + " characters";
        }
        int label = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (label == 0) {
                    return "it has an empty label";
                }
                label = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++label > MAX_LABEL_LENGTH) {
                    return "a label has at most " + MAX_LABEL_LENGTH + " characters";
                }
            } else {
                return "it may hold only letters, digits, '-', '_' and '.'";
            }
        }
        return label == 0 ? "it has an empty label" : null;
    }

    private static String shortened(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private void checkHost(String host, String display, boolean requireDns) {
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
            throw refused(display, "the host '" + host + "' is not one of the allowed hosts "
                    + new TreeSet<>(allowedHosts));
        }
        if (host.indexOf(':') >= 0) {
            judge(ipv6Literal(host, display), host, display);
            return;
        }
        Optional<Long> numeric = numericIpv4(host, display);
        if (numeric.isPresent()) {
            judge(AddressRanges.v4(numeric.get()), host, display);
            if (!CANONICAL_V4.matcher(host).matches()) {
                throw refused(display, "'" + host + "' is an unusual spelling of an IP address; write it as "
                        + AddressRanges.v4(numeric.get()).getHostAddress());
            }
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (requireDns) {
                throw new SourceException("could not resolve the host '" + host + "' of " + display
                        + " (network failure, or the host does not exist)");
            }
            return;
        }
        for (InetAddress address : addresses) {
            judge(address, host, display);
        }
    }

    private void judge(InetAddress address, String host, String display) {
        Optional<AddressRanges.Kind> kind = AddressRanges.classify(address);
        if (kind.isEmpty() || (kind.get() == AddressRanges.Kind.LOOPBACK && allowLocal)) {
            return;
        }
        String how = numericIpv4Quietly(host) ? " stands for " : " resolves to ";
        String what = address.getHostAddress().equals(host)
                ? "'" + host + "' is " + kind.get().description()
                : "the host '" + host + "'" + how + address.getHostAddress() + ", " + kind.get().description();
        String hint = kind.get() == AddressRanges.Kind.LOOPBACK
                ? "; set " + LOCAL_SWITCH + " to allow loopback hosts in development" : "";
        throw refused(display, what + hint);
    }

    private static boolean numericIpv4Quietly(String host) {
        for (String part : host.split("\\.", -1)) {
            if (!NUMERIC_LABEL.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv6Literal(String host, String display) {
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw refused(display, "'" + host + "' is not a valid IPv6 address");
        }
    }

    /**
     * Reads a host made only of numeric labels the way inet_aton does (what curl and C git would
     * connect to): 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills
     * the remaining bytes. Empty when the host is a name.
     */
    static Optional<Long> numericIpv4(String host, String display) {
        String[] parts = host.split("\\.", -1);
        for (String part : parts) {
            if (!NUMERIC_LABEL.matcher(part).matches()) {
                return Optional.empty();
            }
        }
        if (parts.length > 4) {
            throw refused(display, "'" + host + "' is not a valid IP address");
        }
        long value = 0;
        for (int i = 0; i < parts.length; i++) {
            long part = parsePart(parts[i], host, display);
            boolean last = i == parts.length - 1;
            int bits = last ? 8 * (4 - i) : 8;
            if (part >= (1L << bits)) {
                throw refused(display, "'" + host + "' is not a valid IP address");
            }
            value = last ? (value << bits) | part : (value << 8) | part;
        }
        return Optional.of(value);
    }

    private static long parsePart(String part, String host, String display) {
        try {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                return part.length() == 2 ? 0 : parseBounded(part.substring(2), 16);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return parseBounded(part.substring(1), 8);
            }
            return parseBounded(part, 10);
        } catch (NumberFormatException e) {
            throw refused(display, "'" + host + "' is not a valid IP address");
        }
    }

    private static long parseBounded(String digits, int radix) {
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        if (trimmed.length() > 12) {
            throw new NumberFormatException("too long");
        }
        return Long.parseLong(trimmed, radix);
    }

    private SourceLocation localFileUrl(String rest, String display) {
        if (!allowLocal) {
            throw refused(display, "file:// sources are refused; set " + LOCAL_SWITCH
                    + " to allow local repositories (development only)");
        }
        String path;
        if (rest.startsWith("/")) {
            path = rest;
        } else if (rest.startsWith("localhost/")) {
            path = rest.substring("localhost".length());
        } else {
            throw refused(display, "a file URL names a path on this machine: file:///path/to/repository");
        }
        try {
            path = URI.create("file://" + path).getPath();
        } catch (IllegalArgumentException e) {
            // keep the path as written
        }
        return localPath(path, display);
    }

    private SourceLocation localPath(String path, String display) {
        if (!allowLocal) {
            throw refused(display, "local paths are refused; use an https URL, or set " + LOCAL_SWITCH
                    + " to allow local repositories (development only)");
        }
        try {
            return new SourceLocation.Local(Path.of(path).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw refused(display, "it is not a valid path");
        }
    }

    /**
     * The source as it may appear in messages: user info removed (also from scp-like and cut-short
     * forms), control characters replaced, length bounded. One pass, whatever the input.
     */
    static String displayable(String source) {
        int schemeEnd = source.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int end = source.lastIndexOf('@') + 1 - authorityStart; // after the last '@': a password may hold '@' or '/'
        String s = end > 0 ? source.substring(0, authorityStart) + source.substring(authorityStart + end) : source;
        StringBuilder out = new StringBuilder(Math.min(s.length(), 204));
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        return s.length() > 200 ? out + "..." : out.toString();
    }

    /**
     * Where the user info of an authority ends (just after its last '@' before the first '/'), or 0
     * when there is none.
     */
    private static int userInfoEnd(String fromAuthority) {
        int slash = fromAuthority.indexOf('/');
        int limit = slash < 0 ? fromAuthority.length() : slash;
        int at = fromAuthority.lastIndexOf('@', limit - 1);
        return at < 0 ? 0 : at + 1;
    }

    private static SourceException refused(String display, String reason) {
        return new SourceException("refused the source '" + display + "': " + reason);
    }
}

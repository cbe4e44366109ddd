package dev.reporag.core.policy;

import java.util.regex.Pattern;

/**
 * What form a repository source has, read from its text alone: the one classification the source
 * policy, the registration and the CLI share, so "is this a path on this machine?" has one answer.
 * Whether a source of that form may be fetched is the source adapter's decision, not this one's.
 */
public enum SourceKind {
    /** {@code scheme://…} other than {@code file://}: https, http, git, ssh… */
    URL,
    /** {@code file://…}: a repository on this machine. */
    FILE_URL,
    /** {@code [user@]host:path}, the scp-like form git reads as ssh. */
    SCP_LIKE,
    /** {@code transport::address} (such as {@code ext::}), which runs a command. */
    REMOTE_HELPER,
    /** Anything else: a path on this machine, relative or absolute. */
    PATH;

    private static final Pattern SCHEME_URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://(.*)", Pattern.DOTALL);
    private static final Pattern HELPER = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*::.*", Pattern.DOTALL);
    // Two characters at least before the colon, so that a Windows drive (C:\repo) is a path.
    private static final Pattern SCP = Pattern.compile("(?:[^@/]+@)?[^/:\\\\]{2,}:.*", Pattern.DOTALL);

    /** The form of {@code source} (surrounding blanks ignored). */
    public static SourceKind of(String source) {
        String s = source.strip();
        if (HELPER.matcher(s).matches()) {
            return REMOTE_HELPER;
        }
        var url = SCHEME_URL.matcher(s);
        if (url.matches()) {
            return url.group(1).equalsIgnoreCase("file") ? FILE_URL : URL;
        }
        if (SCP.matcher(s).matches()) {
            return SCP_LIKE;
        }
        return PATH;
    }

    /** Whether a source of this form names something on this machine rather than on a server. */
    public boolean onThisMachine() {
        return this == PATH || this == FILE_URL;
    }
}

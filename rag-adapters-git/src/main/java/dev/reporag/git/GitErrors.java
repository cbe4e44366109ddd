package dev.reporag.git;

import dev.reporag.core.port.SourceException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ObjectId;

import javax.net.ssl.SSLException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what JGit throws into messages a user can act on. JGit's own messages carry the URL it
 * was given, which never holds credentials (they go through a CredentialsProvider).
 */
final class GitErrors {
    private static final Pattern CLASS_NAMES = Pattern.compile("\\b[\\w.$]*(Exception|Error)\\b:?\\s*");

    private GitErrors() {
    }

    /** Describes a failed clone, fetch or ls-remote. */
    static SourceException fetchFailed(Throwable e, Context context) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CheckedHttpConnectionFactory.RefusedEndpointException) {
                return new SourceException(t.getMessage() + " (reached through a redirect from "
                        + context.display() + ")");
            }
        }
        switch (context.stop()) {
            case TIMEOUT -> {
                return timeout(context);
            }
            case TOO_BIG -> {
                return tooBig(context);
            }
            case CANCELLED -> {
                return cancelled(context.display());
            }
            default -> {
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoRemoteRepositoryException || t instanceof InvalidRemoteException) {
                return notFound(context);
            }
            if (t instanceof UnknownHostException) {
                return new SourceException("could not resolve the host of " + context.display()
                        + " (network failure, or the host does not exist)");
            }
            if (t instanceof InterruptedIOException) {
                return timeout(context);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new SourceException("could not connect to " + context.display() + " (network failure)");
            }
            if (t instanceof SSLException) {
                return new SourceException("the TLS connection to " + context.display()
                        + " failed; its certificate may not be trusted");
            }
        }
        String all = messages(e).toLowerCase(Locale.ROOT);
        if (all.contains("not authorized") || all.contains("authentication is required")
                || all.contains("authentication not supported") || all.contains("no credentialsprovider")) {
            return context.hasCredentials()
                    ? new SourceException("the credentials for " + context.host() + " were rejected by "
                    + context.display() + "; check the token and its access to this repository")
                    : new SourceException("authentication required: " + context.display()
                    + " is private or does not exist; set GITHUB_TOKEN (github.com) or credentials for "
                    + context.host() + " to read a private repository");
        }
        if (all.contains("not found") || all.contains("does not appear to be a git repository")
                || all.contains("not a git repository") || all.contains("invalid remote")) {
            return notFound(context);
        }
        if (all.contains("timed out") || all.contains("timeout")) {
            return timeout(context);
        }
        boolean commitId = context.ref() != null && ObjectId.isId(context.ref().toLowerCase(Locale.ROOT));
        if (commitId || all.contains("not our ref")) {
            return new SourceException("the commit '" + context.ref() + "' is not available from "
                    + context.display() + " (unknown, or the server does not serve commits by id)");
        }
        if (all.contains("redirect")) {
            return new SourceException("could not fetch " + context.display()
                    + ": the server redirected to a place that is not followed (" + clean(rootMessage(e)) + ")");
        }
        if (e instanceof SocketException || all.contains("connection reset") || all.contains("connection failed")) {
            return new SourceException("the connection to " + context.display() + " failed (network failure)");
        }
        String detail = clean(rootMessage(e));
        if (detail.startsWith(context.display() + ": ")) {
            detail = detail.substring(context.display().length() + 2);
        }
        return new SourceException("could not fetch " + context.display() + ": " + detail);
    }

    static SourceException notFound(Context context) {
        return new SourceException("repository not found: " + context.display());
    }

    static SourceException timeout(Context context) {
        return new SourceException("fetching " + context.display() + " took longer than the timeout of "
                + context.timeoutSeconds() + " s");
    }

    /** The caller's monitor asked to stop; the cache is left as it was before this fetch. */
    static SourceException cancelled(String display) {
        return new SourceException("fetching " + display + " was cancelled");
    }

    static SourceException tooBig(Context context) {
        return new SourceException(context.display() + " is larger than the download limit of "
                + megabytes(context.maxBytes()) + " for one clone or fetch");
    }

    /** Whether the serving side of a fetch failed (for a local path, JGit's in-process upload-pack). */
    static boolean uploadPackFailed(Throwable e) {
        return messages(e).contains("internal server error");
    }

    static String megabytes(long bytes) {
        return bytes >= 1024 * 1024 ? (bytes / (1024 * 1024)) + " MB" : bytes + " bytes";
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return message == null ? "unexpected failure" : message;
    }

    /** Keeps a JGit message readable: no class names, one line. */
    static String clean(String message) {
        String m = CLASS_NAMES.matcher(message).replaceAll("").replaceAll("\\s+", " ").strip();
        return m.isEmpty() ? "unexpected failure" : m;
    }

    /** What a message about one fetch needs to know. */
    record Context(String display, String host, String ref, boolean hasCredentials, BoundedMonitor.Stop stop,
                   long timeoutSeconds, long maxBytes) {
    }
}

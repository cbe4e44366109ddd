package dev.reporag.core.ask;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Links to lines on the repository host's web page, for the hosts whose URL scheme is known. */
final class CitationLinks {
    private CitationLinks() {
    }

    static Optional<String> link(String source, String commit, String path, int startLine, int endLine) {
        if (commit == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(source.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (uri.getHost() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String repo = uri.getPath().replaceAll("\\.git$", "").replaceAll("/+$", "");
        if (repo.isEmpty() || repo.equals("/")) {
            return Optional.empty();
        }
        String file = encodePath(path);
        if (host.equals("github.com")) {
            return Optional.of("https://github.com" + repo + "/blob/" + commit + "/" + file + "#L" + startLine
                    + "-L" + endLine);
        }
        if (host.equals("gitlab.com")) {
            return Optional.of("https://gitlab.com" + repo + "/-/blob/" + commit + "/" + file + "#L" + startLine
                    + "-" + endLine);
        }
        return Optional.empty();
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}

package dev.reporag.core.model;

import java.util.Objects;

/**
 * Where an answer came from.
 *
 * @param url a link to the lines on the repository host when it is known (GitHub, GitLab), else null
 */
public record Citation(int number, String path, int startLine, int endLine, String commit, String url) {
    public Citation {
        Objects.requireNonNull(path, "path");
    }

    public String label() {
        return path + ':' + startLine + '-' + endLine;
    }
}

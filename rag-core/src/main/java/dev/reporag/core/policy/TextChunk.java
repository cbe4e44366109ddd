package dev.reporag.core.policy;

/** A piece of a file's text with its 1-based, inclusive line range. */
public record TextChunk(int startLine, int endLine, String text) {
}

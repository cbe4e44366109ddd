package dev.reporag.core.ingest;

import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.policy.Chunker;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.EnclosingDeclarations;
import dev.reporag.core.policy.TextChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Cuts a file's decoded text into chunks, each with the text it is embedded as. */
final class FileChunker {
    /** Chunks of one file, and for each the text the embedder is given. */
    record Chunks(List<Chunk> chunks, List<String> texts) {
    }

    private FileChunker() {
    }

    static Chunks chunk(Chunker chunker, ProjectId project, String path, String language, String text) {
        return chunk(chunker, project, path, language, text, IntUnaryOperator.identity());
    }

    /**
     * Chunks of a file's decoded text, their lines given as the file's ({@link FileFilter.Decoded#fileLine}),
     * in the language the content says, else {@code language} (the path's).
     */
    static Chunks chunk(Chunker chunker, ProjectId project, String path, String language, FileFilter.Decoded decoded) {
        return chunk(chunker, project, path, decoded.language() != null ? decoded.language() : language,
                decoded.text(), decoded::fileLine);
    }

    private static Chunks chunk(Chunker chunker, ProjectId project, String path, String language, String text,
                                IntUnaryOperator fileLine) {
        List<String> lines = Chunker.lines(text);
        List<TextChunk> pieces = chunker.split(lines);
        List<String> enclosing = EnclosingDeclarations.of(lines, language, pieces);
        List<Chunk> chunks = new ArrayList<>(pieces.size());
        List<String> texts = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            TextChunk piece = pieces.get(i);
            Chunk chunk = Chunk.of(project, path, language, fileLine.applyAsInt(piece.startLine()),
                    fileLine.applyAsInt(piece.endLine()), piece.text());
            chunks.add(chunk);
            texts.add(JobProcessor.embedText(chunk, enclosing.get(i)));
        }
        return new Chunks(chunks, texts);
    }
}

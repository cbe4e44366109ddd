package dev.reporag.openai;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs texts into requests by token budget, counting tokens with cl100k_base (the tokenizer of
 * OpenAI's embedding models). A text longer than the per-input limit is cut into windows that are
 * embedded separately; {@link #combine} averages their vectors back into one.
 */
final class RequestPacker {
    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    /** One input of a request: a whole text or a window of one. */
    record Piece(int text, String input, int tokens) {
    }

    /** One request: its inputs and their tokens. */
    record Batch(List<Piece> pieces, long tokens) {
        List<String> inputs() {
            return pieces.stream().map(Piece::input).toList();
        }
    }

    /** How a call's texts travel: the batches in order, and how many texts were split. */
    record Plan(int texts, List<Batch> batches, int splitTexts) {
        long tokens() {
            return batches.stream().mapToLong(Batch::tokens).sum();
        }
    }

    private RequestPacker() {
    }

    static int countTokens(String text) {
        return CL100K.countTokens(text);
    }

    /**
     * @param maxInputs          inputs per request
     * @param maxRequestTokens   tokens per request
     * @param maxInputTokens     tokens per input; longer texts are split into windows
     */
    static Plan plan(List<String> texts, int maxInputs, long maxRequestTokens, int maxInputTokens) {
        List<Batch> batches = new ArrayList<>();
        List<Piece> current = new ArrayList<>();
        long currentTokens = 0;
        int split = 0;
        for (int i = 0; i < texts.size(); i++) {
            List<Piece> pieces = pieces(i, texts.get(i), maxInputTokens);
            if (pieces.size() > 1) {
                split++;
            }
            for (Piece piece : pieces) {
                if (!current.isEmpty()
                        && (current.size() >= maxInputs || currentTokens + piece.tokens() > maxRequestTokens)) {
                    batches.add(new Batch(List.copyOf(current), currentTokens));
                    current.clear();
                    currentTokens = 0;
                }
                current.add(piece);
                currentTokens += piece.tokens();
            }
        }
        if (!current.isEmpty()) {
            batches.add(new Batch(List.copyOf(current), currentTokens));
        }
        return new Plan(texts.size(), List.copyOf(batches), split);
    }

    private static List<Piece> pieces(int index, String text, int maxInputTokens) {
        int tokens = CL100K.countTokens(text);
        if (tokens <= maxInputTokens) {
            return List.of(new Piece(index, text, Math.max(tokens, 1)));
        }
        IntArrayList all = CL100K.encode(text);
        List<Piece> pieces = new ArrayList<>();
        for (int from = 0; from < all.size(); from += maxInputTokens) {
            int to = Math.min(all.size(), from + maxInputTokens);
            IntArrayList window = new IntArrayList(to - from);
            for (int t = from; t < to; t++) {
                window.add(all.get(t));
            }
            // A window may cut a multi-byte character; decoding replaces the half with U+FFFD.
            String input = CL100K.decode(window);
            pieces.add(new Piece(index, input, to - from));
        }
        return pieces;
    }

    /**
     * One vector per text, in order: a whole text's own vector, or the token-weighted mean of its
     * windows' vectors scaled to unit length (OpenAI's vectors are unit length).
     */
    static List<float[]> combine(Plan plan, List<List<float[]>> batchVectors) {
        int[] windows = new int[plan.texts()];
        for (Batch batch : plan.batches()) {
            batch.pieces().forEach(piece -> windows[piece.text()]++);
        }
        float[][] result = new float[plan.texts()][];
        for (int b = 0; b < plan.batches().size(); b++) {
            List<Piece> pieces = plan.batches().get(b).pieces();
            List<float[]> vectors = batchVectors.get(b);
            for (int p = 0; p < pieces.size(); p++) {
                Piece piece = pieces.get(p);
                float[] vector = vectors.get(p);
                if (windows[piece.text()] == 1) {
                    result[piece.text()] = vector;
                    continue;
                }
                if (result[piece.text()] == null) {
                    result[piece.text()] = new float[vector.length];
                }
                float[] sum = result[piece.text()];
                for (int d = 0; d < sum.length; d++) {
                    sum[d] += vector[d] * piece.tokens();
                }
            }
        }
        for (int t = 0; t < result.length; t++) {
            if (windows[t] > 1) {
                unit(result[t]);
            }
        }
        return List.of(result);
    }

    private static void unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        if (norm == 0) {
            return;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < vector.length; d++) {
            vector[d] *= scale;
        }
    }
}

package dev.reporag.core.model;

/**
 * The key of an embedding: a hash of everything that determines the vector — the exact text sent
 * to the model (chunk text and its header), the chunker's version, the model and its dimension.
 * Two chunks with the same key have the same vector, whatever project, branch or commit they come
 * from, so a store keeps one vector per key and an ingestion embeds only keys it does not hold.
 */
public final class EmbeddingKey {
    private EmbeddingKey() {
    }

    /** SHA-256, hex, of the model, the dimension, the chunker version and the embedded text. */
    public static String of(String embeddedText, int chunkerVersion, EmbeddingModel model) {
        String name = model.id() + '\n' + model.dimension() + '\n' + chunkerVersion + '\n' + embeddedText;
        return Chunk.sha256(name);
    }

    /**
     * Whether a stored key was made by {@link #of} (64 hex digits), so comparing it with a chunk's
     * tells whether that chunk's embedded text changed. Other keys (a vector given without a key,
     * or stored before keys were: {@code v:…}, {@code stored:…}) cannot tell.
     */
    public static boolean isOfText(String key) {
        if (key == null || key.length() != 64) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key of a vector given without one (tests, tools): unique to the chunk and the vector
     * itself, so it is never shared by mistake.
     */
    static String ofVector(Chunk chunk, float[] vector) {
        StringBuilder name = new StringBuilder(chunk.id()).append('\n');
        for (float v : vector) {
            name.append(Float.floatToIntBits(v)).append(',');
        }
        return "v:" + Chunk.sha256(name.toString());
    }
}

package dev.reporag.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Vectors of texts already embedded by one model, kept in a file between runs: trying a retrieval
 * change then costs no embedding. Keyed by the SHA-256 of the exact text, so a text that changes
 * is embedded again. Without a file it only counts what it embeds.
 */
final class VectorCache {
    private final Path file;
    private final int dimension;
    private final Map<String, float[]> vectors = new HashMap<>();
    private long embedded;
    private long embedNanos;

    VectorCache(Path file, int dimension) {
        this.file = file;
        this.dimension = dimension;
        if (file != null && Files.isRegularFile(file)) {
            load();
        }
    }

    /** Vectors of the texts, embedding only those not seen before, in one call of {@code embed}. */
    synchronized List<float[]> get(List<String> texts, Function<List<String>, List<float[]>> embed) {
        List<String> keys = texts.stream().map(VectorCache::key).toList();
        List<String> missing = new ArrayList<>();
        List<String> missingKeys = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (!vectors.containsKey(keys.get(i)) && !missingKeys.contains(keys.get(i))) {
                missing.add(texts.get(i));
                missingKeys.add(keys.get(i));
            }
        }
        if (!missing.isEmpty()) {
            long start = System.nanoTime();
            List<float[]> fresh = embed.apply(missing);
            embedNanos += System.nanoTime() - start;
            embedded += missing.size();
            append(missingKeys, fresh);
            for (int i = 0; i < missing.size(); i++) {
                vectors.put(missingKeys.get(i), fresh.get(i));
            }
        }
        return keys.stream().map(vectors::get).toList();
    }

    /** Texts embedded (not found in the cache) so far, and the seconds spent embedding them. */
    synchronized long embedded() {
        return embedded;
    }

    synchronized double embedSeconds() {
        return embedNanos / 1e9;
    }

    private void append(List<String> keys, List<float[]> fresh) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)))) {
                for (int i = 0; i < keys.size(); i++) {
                    out.writeUTF(keys.get(i));
                    for (float v : fresh.get(i)) {
                        out.writeFloat(v);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            while (true) {
                String key;
                try {
                    key = in.readUTF();
                } catch (EOFException end) {
                    return;
                }
                float[] v = new float[dimension];
                for (int d = 0; d < dimension; d++) {
                    v[d] = in.readFloat();
                }
                vectors.put(key, v);
            }
        } catch (EOFException truncated) {
            // a run killed mid-write: what was read is kept
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

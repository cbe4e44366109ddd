package dev.reporag.bench;

import java.util.Random;

/** Random vectors for the store benchmarks (their exact ground truth uses {@link dev.reporag.core.model.Vectors#cosine}). */
public final class SyntheticVectors {
    private SyntheticVectors() {
    }

    /** {@code dimension} values drawn from a normal distribution of standard deviation {@code scale}. */
    public static float[] gaussian(Random random, int dimension, float scale) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }
}

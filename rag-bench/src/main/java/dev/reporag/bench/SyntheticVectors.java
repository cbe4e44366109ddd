package dev.reporag.bench;

import java.util.Random;

/** Random vectors and exact cosine for the store benchmarks' ground truth. */
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

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

package dev.reporag.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VectorsTest {
    @Test
    void cosineIsTheAngleNotTheLengthAndZeroForAZeroVector() {
        assertThat(Vectors.cosine(new float[]{1, 2, 3}, new float[]{2, 4, 6})).isCloseTo(1.0, within(1e-9));
        assertThat(Vectors.cosine(new float[]{1, 0}, new float[]{0, 5})).isZero();
        assertThat(Vectors.cosine(new float[]{1, 0}, new float[]{-3, 0})).isCloseTo(-1.0, within(1e-9));
        assertThat(Vectors.cosine(new float[]{1, 1}, new float[]{1, 0})).isCloseTo(Math.sqrt(0.5), within(1e-6));
        assertThat(Vectors.cosine(new float[]{0, 0}, new float[]{1, 0})).isZero();
    }
}

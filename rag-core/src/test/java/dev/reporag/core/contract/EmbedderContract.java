package dev.reporag.core.contract;

import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.reporag.core.model.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link Embedder} must do. */
public abstract class EmbedderContract {
    protected abstract Embedder embedder();

    @Test
    void declaresItsModelDimensionAndInputLimit() {
        assertThat(embedder().modelId()).isNotBlank();
        assertThat(embedder().dimension()).isPositive();
        assertThat(embedder().maxInputChars()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void returnsOneVectorPerTextInOrder() {
        List<String> texts = List.of("class Parser { Node parse(String s) }", "SELECT * FROM users;",
                "def main():\n    print('hi')\n");
        List<float[]> forward = embedder().embedAll(texts);
        List<float[]> backward = embedder().embedAll(List.of(texts.get(2), texts.get(1), texts.get(0)));

        assertThat(forward).hasSize(3);
        assertThat(forward).allSatisfy(v -> assertThat(v).hasSize(embedder().dimension()));
        assertClose(forward.get(0), backward.get(2));
        assertClose(forward.get(2), backward.get(0));
    }

    @Test
    void differentTextsGetDifferentVectors() {
        List<float[]> vectors = embedder().embedAll(List.of("alpha beta gamma", "int main(void) { return 0; }"));
        assertThat(cosine(vectors.get(0), vectors.get(1))).isLessThan(0.999);
    }

    @Test
    void embedsUnicodeAndInputsAtTheDeclaredLimit() {
        String unicode = "// 日本語 naïve émoji 🚀\nString s = \"ü\";";
        String longest = "x".repeat(10) + "\n" + "y = compute(a, b);\n".repeat(embedder().maxInputChars() / 20);
        List<float[]> vectors = embedder().embedAll(List.of(unicode, longest.substring(0,
                Math.min(longest.length(), embedder().maxInputChars()))));
        assertThat(vectors).hasSize(2).allSatisfy(v -> assertThat(v).hasSize(embedder().dimension()));
    }

    @Test
    void oneRequestReportsItsVectorsAndTheProvidersCountsAndCaps() {
        List<String> texts = List.of("class Parser { Node parse(String s) }", "SELECT * FROM users;");
        EmbeddingResult result = embedder().embed(texts);

        assertThat(result.vectors()).hasSize(2).allSatisfy(v -> assertThat(v).hasSize(embedder().dimension()));
        assertClose(result.vectors().get(1), embedder().embedAll(List.of(texts.get(1))).get(0));
        assertThat(result.report()).isNotNull();
        assertThat(embedder().countTokens("x".repeat(400))).isPositive();
        assertThat(embedder().countTokens("x".repeat(800))).isGreaterThan(embedder().countTokens("x".repeat(400)));
        assertThat(embedder().maxInputsPerRequest()).isPositive();
        assertThat(embedder().maxTokensPerRequest()).isPositive();
    }

    @Test
    void anEmptyListNeedsNoCall() {
        assertThat(embedder().embedAll(List.of())).isEmpty();
    }

    protected static void assertClose(float[] a, float[] b) {
        assertThat(cosine(a, b)).isGreaterThan(0.9999);
    }
}

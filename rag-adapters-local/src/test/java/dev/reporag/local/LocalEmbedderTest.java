package dev.reporag.local;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.reporag.core.contract.EmbedderContract;
import dev.reporag.core.port.Embedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.reporag.core.model.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;

/** One model instance for the whole class: loading it takes seconds. */
class LocalEmbedderTest extends EmbedderContract {
    private static LocalEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = LocalEmbedder.create();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Override
    protected Embedder embedder() {
        return embedder;
    }

    @Test
    void declaresTheDefaultModel() {
        assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.maxInputChars()).isEqualTo(4000);
    }

    @Test
    void seesTheEndOfALongChunk() {
        // LangChain4j's own embedAll stops reading after 128 word pieces: these two embed alike there.
        String prefix = "int total = computeTotal(order, discount, taxRate);\n".repeat(30);
        List<float[]> v = embedder.embedAll(List.of(prefix + "return sendInvoiceByEmail(customer);",
                prefix + "throw new IllegalStateException(\"database connection lost\");"));
        assertThat(embedder.tokens(prefix)).isGreaterThan(300);
        assertThat(cosine(v.get(0), v.get(1))).isLessThan(0.999);
    }

    @Test
    void aShortTextIsOneWindowAndALongTextSeveral() {
        assertThat(embedder.windows(0, "short text")).hasSize(1);
        String longText = "alpha beta gamma delta ".repeat(100); // 400 word pieces
        assertThat(embedder.windows(0, longText)).hasSize((400 + 125) / 126)
                .allSatisfy(w -> assertThat(w.ids()).hasSizeLessThanOrEqualTo(128));
    }

    @Test
    void countsWhatTheModelReadsWithItsOwnTokenizer() {
        String longText = "alpha beta gamma delta ".repeat(100); // 400 word pieces
        long windowIds = embedder.windows(0, longText).stream().mapToLong(w -> w.ids().length).sum();
        assertThat(embedder.billedTokens(longText)).isEqualTo(windowIds).isEqualTo(400 + 2 * 4);
        assertThat(embedder.billedTokens("short text")).isEqualTo(embedder.windows(0, "short text").get(0).ids().length);
    }

    @Test
    void batchingDoesNotChangeVectors() {
        assertBatchingKeepsVectors(embedder);
        try (LocalEmbedder full = LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2).build()) {
            assertBatchingKeepsVectors(full);
        }
    }

    private static void assertBatchingKeepsVectors(LocalEmbedder embedder) {
        List<String> texts = List.of("a", "public static void main(String[] args)", "x = y + 1\n".repeat(80));
        List<float[]> together = embedder.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertClose(together.get(i), embedder.embedAll(List.of(texts.get(i))).get(0));
        }
    }

    @Test
    void anEightBitModelRunsEachWindowAloneAFullPrecisionOneInBatches() {
        assertThat(LocalEmbedder.defaultBatchSize(LocalModel.ALL_MINILM_L6_V2_Q)).isEqualTo(1);
        assertThat(LocalEmbedder.defaultBatchSize(LocalModel.ALL_MINILM_L6_V2)).isEqualTo(16);
        // Why: with one activation scale per call, a window batched with others embeds differently.
        try (LocalEmbedder batched = LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2_Q).batchSize(16).build()) {
            List<String> texts = List.of("a", "public static void main(String[] args)", "x = y + 1\n".repeat(80));
            float[] alone = batched.embedAll(List.of(texts.get(1))).get(0);
            assertThat(cosine(batched.embedAll(texts).get(1), alone)).isLessThan(0.9999);
        }
    }

    @Test
    void agreesWithLangChain4jOnInputsItReadsInFull() {
        assertAgrees(embedder, new AllMiniLmL6V2QuantizedEmbeddingModel());
        try (LocalEmbedder full = LocalEmbedder.builder().model(LocalModel.ALL_MINILM_L6_V2).build()) {
            assertAgrees(full, new AllMiniLmL6V2EmbeddingModel());
        }
    }

    private static void assertAgrees(LocalEmbedder ours, EmbeddingModel theirs) {
        List<String> texts = List.of("Parses the configuration file and returns the settings.",
                "public Optional<User> findByEmail(String email) { return repository.find(email); }");
        var reference = theirs.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        List<float[]> vectors = ours.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertClose(vectors.get(i), reference.get(i).vector());
        }
    }

    @Test
    void batchesAreEvenAndAMultipleOfTheThreadsSoNoCoreWaitsForTheLast() {
        List<LocalEmbedder.Window> windows = new java.util.ArrayList<>();
        for (int i = 0; i < 75; i++) {
            windows.add(new LocalEmbedder.Window(i, new long[i % 7 + 2]));
        }
        List<List<LocalEmbedder.Window>> batches = LocalEmbedder.batches(windows, 16, 2);

        assertThat(batches).hasSize(6).allSatisfy(b -> assertThat(b.size()).isBetween(12, 13));
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(windows);
        assertThat(LocalEmbedder.batches(windows, 16, 1)).hasSize(5);
        assertThat(LocalEmbedder.batches(windows.subList(0, 1), 16, 4)).hasSize(1);
        assertThat(LocalEmbedder.batches(windows.subList(0, 3), 16, 2)).extracting(List::size).containsExactly(1, 2);
    }

    @Test
    void usesEveryCoreUnlessTheHeapIsSmall() {
        long mb = 1024 * 1024;
        assertThat(LocalEmbedder.defaultThreads(2, 300 * mb)).isEqualTo(2); // a 512 MB instance (Dockerfile flags)
        assertThat(LocalEmbedder.defaultThreads(8, 300 * mb)).isEqualTo(2);
        assertThat(LocalEmbedder.defaultThreads(2, 128 * mb)).isEqualTo(1);
        assertThat(LocalEmbedder.defaultThreads(4, 6000 * mb)).isEqualTo(4);
    }

    @Test
    void anEmptyTextStillGetsAVector() {
        assertThat(embedder.embedAll(List.of("", "   "))).hasSize(2)
                .allSatisfy(v -> assertThat(v).hasSize(384));
    }
}

package dev.reporag.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPackerTest {
    @Test
    void closesARequestAtTheInputOrTokenCap() {
        List<String> texts = OpenAiEmbedderTest.chunks(10, 400);
        int tokens = RequestPacker.countTokens(texts.get(0));

        RequestPacker.Plan byInputs = RequestPacker.plan(texts, 3, 1_000_000, 8192);
        RequestPacker.Plan byTokens = RequestPacker.plan(texts, 100, tokens * 4L + 1, 8192);

        assertThat(byInputs.batches()).extracting(b -> b.pieces().size()).containsExactly(3, 3, 3, 1);
        assertThat(byTokens.batches()).allSatisfy(b -> assertThat(b.tokens()).isLessThanOrEqualTo(tokens * 4L + 1));
        assertThat(byTokens.tokens()).isEqualTo(byInputs.tokens());
        assertThat(byTokens.batches().stream().flatMap(b -> b.inputs().stream()).toList()).isEqualTo(texts);
    }

    @Test
    void splitsAnOversizedTextIntoWindowsAndAveragesThemBack() {
        String longText = String.join("", OpenAiEmbedderTest.chunks(1, 3_000));
        int tokens = RequestPacker.countTokens(longText);

        RequestPacker.Plan plan = RequestPacker.plan(List.of("short", longText), 10, 1_000_000, 300);

        assertThat(plan.splitTexts()).isEqualTo(1);
        List<RequestPacker.Piece> pieces = plan.batches().get(0).pieces();
        assertThat(pieces).hasSize(1 + (tokens + 299) / 300);
        assertThat(pieces).allSatisfy(p -> assertThat(p.tokens()).isLessThanOrEqualTo(300));
        assertThat(String.join("", pieces.subList(1, pieces.size()).stream().map(RequestPacker.Piece::input)
                .toList())).isEqualTo(longText);

        List<float[]> vectors = pieces.stream().map(p -> p.text() == 0 ? new float[] {1, 0}
                : new float[] {0, 1}).toList();
        List<float[]> combined = RequestPacker.combine(plan, List.of(vectors));
        assertThat(combined).hasSize(2);
        assertThat(combined.get(0)).containsExactly(1, 0);
        assertThat(combined.get(1)[0]).isZero();
        assertThat(combined.get(1)[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void weighsWindowsByTheirTokens() {
        String longText = String.join("", OpenAiEmbedderTest.chunks(1, 1_000));
        int tokens = RequestPacker.countTokens(longText);
        RequestPacker.Plan plan = RequestPacker.plan(List.of(longText), 10, 1_000_000, tokens - 10);
        List<RequestPacker.Piece> pieces = plan.batches().get(0).pieces();
        assertThat(pieces).extracting(RequestPacker.Piece::tokens).containsExactly(tokens - 10, 10);

        float[] combined = RequestPacker.combine(plan, List.of(List.of(new float[] {1, 0}, new float[] {0, 1})))
                .get(0);

        assertThat(combined[0] / combined[1]).isCloseTo((tokens - 10) / 10f, org.assertj.core.data.Offset.offset(1e-3f));
    }
}

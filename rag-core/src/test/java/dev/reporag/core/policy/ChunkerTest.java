package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkerTest {
    private final Chunker chunker = new Chunker(1000, 200);

    /** Every chunk of whole lines is exactly the original lines it names. */
    private static void assertLinesReproduceText(String text, List<TextChunk> chunks) {
        List<String> lines = Chunker.lines(text);
        for (TextChunk chunk : chunks) {
            String joined = String.join("", lines.subList(chunk.startLine() - 1, chunk.endLine()));
            if (chunk.startLine() == chunk.endLine() && joined.length() > chunk.text().length()) {
                assertThat(joined).contains(chunk.text()); // a piece of one long line
            } else {
                assertThat(chunk.text()).isEqualTo(joined);
            }
        }
    }

    private static String numberedLines(int count, int width) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> String.format("line %04d ", i) + "x".repeat(Math.max(0, width - 10)) + "\n")
                .collect(Collectors.joining());
    }

    @Test
    void anEmptyOrBlankTextHasNoChunks() {
        assertThat(chunker.split("")).isEmpty();
        assertThat(chunker.split("\n\n   \n\t\n")).isEmpty();
    }

    @Test
    void aSmallFileIsOneChunk() {
        String text = "class A {\n  int x;\n}\n";
        assertThat(chunker.split(text)).containsExactly(new TextChunk(1, 3, text));
    }

    @Test
    void noTrailingNewlineIsKept() {
        String text = "a\nb\nc";
        assertThat(chunker.split(text)).containsExactly(new TextChunk(1, 3, text));
    }

    @Test
    void chunksStayWithinTheLimitAndOverlap() {
        String text = numberedLines(200, 50);
        List<TextChunk> chunks = chunker.split(text);

        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(1000));
        assertThat(chunks.get(0).startLine()).isEqualTo(1);
        assertThat(chunks.get(chunks.size() - 1).endLine()).isEqualTo(200);
        for (int i = 1; i < chunks.size(); i++) {
            TextChunk previous = chunks.get(i - 1);
            TextChunk next = chunks.get(i);
            assertThat(next.startLine()).isGreaterThan(previous.startLine());
            assertThat(next.startLine()).isLessThanOrEqualTo(previous.endLine() + 1);
            int overlapLines = previous.endLine() - next.startLine() + 1;
            assertThat(overlapLines * 50).isBetween(1, 200); // ~200 chars of 50-char lines
        }
        assertLinesReproduceText(text, chunks);
    }

    @Test
    void everyLineIsCovered() {
        String text = numberedLines(333, 37);
        List<TextChunk> chunks = chunker.split(text);
        boolean[] covered = new boolean[334];
        chunks.forEach(c -> IntStream.rangeClosed(c.startLine(), c.endLine()).forEach(l -> covered[l] = true));
        assertThat(IntStream.rangeClosed(1, 333).allMatch(l -> covered[l])).isTrue();
    }

    @Test
    void aLongLineIsSplitOnItsOwnWithOverlap() {
        String line = "x".repeat(5000);
        String text = "before\n" + line + "\nafter\n";
        List<TextChunk> chunks = chunker.split(text);

        assertThat(chunks.get(0)).isEqualTo(new TextChunk(1, 1, "before\n"));
        List<TextChunk> pieces = chunks.stream().filter(c -> c.startLine() == 2).toList();
        assertThat(pieces).allSatisfy(p -> {
            assertThat(p.endLine()).isEqualTo(2);
            assertThat(p.text().length()).isLessThanOrEqualTo(1000);
        });
        assertThat(pieces).hasSize(7); // steps of 800 over 5001 chars
        assertThat(chunks.get(chunks.size() - 1).text()).isEqualTo("after\n");
        assertLinesReproduceText(text, chunks);
    }

    @Test
    void crlfTabsAndUnicodeAreKeptExactly() {
        String text = IntStream.rangeClosed(1, 120)
                .mapToObj(i -> "\tvar ünï_" + i + " = \"日本語 🚀\";\r\n")
                .collect(Collectors.joining());
        List<TextChunk> chunks = chunker.split(text);

        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks).allSatisfy(c -> assertThat(c.text()).endsWith("\r\n"));
        assertLinesReproduceText(text, chunks);
    }

    @Test
    void surrogatePairsAreNeverCut() {
        String text = "🚀".repeat(1500); // 3000 chars, one line
        for (TextChunk chunk : new Chunker(999, 199).split(text)) {
            assertThat(Character.isLowSurrogate(chunk.text().charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(chunk.text().charAt(chunk.text().length() - 1))).isFalse();
        }
    }

    @Test
    void prefersToCutBeforeADeclaration() {
        StringBuilder text = new StringBuilder();
        for (int m = 0; m < 6; m++) {
            text.append("    public void method").append(m).append("() {\n");
            for (int l = 0; l < 8; l++) {
                text.append("        int value").append(l).append(" = compute(").append(l).append(");\n");
            }
            text.append("    }\n");
        }
        List<TextChunk> chunks = chunker.split(text.toString());
        List<String> lines = Chunker.lines(text.toString());

        // The first chunk ends just before a method, not in the middle of one.
        TextChunk first = chunks.get(0);
        assertThat(lines.get(first.endLine())).contains("public void method");
        assertLinesReproduceText(text.toString(), chunks);
    }

    @Test
    void smallSizesWork() {
        List<TextChunk> chunks = new Chunker(60, 10).split(numberedLines(30, 20));
        assertThat(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(60));
        assertThat(chunks.get(chunks.size() - 1).endLine()).isEqualTo(30);
    }

    @Test
    void refusesNonsenseSizes() {
        assertThatThrownBy(() -> new Chunker(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunker(1000, 600)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.reporag.local.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.reporag.local.LocalEmbedder;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Throughput only, like for like: the same ~400-char chunks (one 128-piece window each, so both
 * read the same word pieces), LangChain4j's embedAll and LocalEmbedder alternating round by round
 * so that load from other processes hits both alike. Args: [src.zip] [chunks] [rounds].
 */
public final class ThroughputBench {
    private ThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path zip = Path.of(args.length > 0 ? args[0] : "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> chunks = CodeRetrievalSet.fromJdkSources(zip, "java.base/java/util/", count, 400, 1)
                .chunks.subList(0, count);
        AllMiniLmL6V2EmbeddingModel l4j = new AllMiniLmL6V2EmbeddingModel();
        try (LocalEmbedder ours = LocalEmbedder.create()) {
            l4j.embedAll(chunks.subList(0, 16).stream().map(TextSegment::from).toList());
            ours.embedAll(chunks.subList(0, 16));
            for (int r = 1; r <= rounds; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < count; i += 25) {
                    l4j.embedAll(chunks.subList(i, Math.min(count, i + 25)).stream().map(TextSegment::from).toList());
                }
                double a = count / ((System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                for (int i = 0; i < count; i += 25) {
                    ours.embedAll(chunks.subList(i, Math.min(count, i + 25)));
                }
                double b = count / ((System.nanoTime() - t) / 1e9);
                System.out.printf(Locale.ROOT, "round %d: LangChain4j embedAll %.1f chunks/s, LocalEmbedder %.1f chunks/s%n",
                        r, a, b);
            }
        }
    }
}

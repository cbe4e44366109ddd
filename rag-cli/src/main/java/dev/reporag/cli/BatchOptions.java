package dev.reporag.cli;

import picocli.CommandLine.Option;

/** How embedding requests are sized and paced, overriding the environment. */
final class BatchOptions {
    @Option(names = "--batch-size", paramLabel = "N", description = "Texts per embedding request (RAG_BATCH_SIZE).")
    Integer batchSize;
    @Option(names = "--delay", paramLabel = "SECONDS", description = "Least time between two requests (RAG_DELAY).")
    Double delay;

    Config apply(Config config) {
        return config.withBatchSize(batchSize).withDelay(delay);
    }
}

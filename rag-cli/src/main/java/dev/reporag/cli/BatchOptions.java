package dev.reporag.cli;

import picocli.CommandLine.Option;

/** How embedding requests are sized and paced (the dispatcher's settings), overriding the environment. */
final class BatchOptions {
    @Option(names = "--batch-size", paramLabel = "N", description = "Inputs per embedding request (RAG_BATCH_SIZE).")
    Integer batchSize;
    @Option(names = "--delay", paramLabel = "SECONDS", description = "Minimum seconds between the starts of two embedding requests (RAG_DELAY).")
    Double delay;

    Config apply(Config config) {
        return config.withBatchSize(batchSize).withDelay(delay);
    }
}

package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.ingest.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"A background worker: claims waiting jobs and processes them until stopped (SIGTERM or"
                + " Ctrl-C give running jobs back, to be resumed).",
                "Run several against one PostgreSQL to scale out; the database coordinates them."})
final class WorkerCommand implements Callable<Integer> {
    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1",
            description = "Jobs processed at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || concurrency > 64) {
            throw new ConfigException("--concurrency must be from 1 to 64");
        }
        Logs.serviceLevel(root.environment());
        Config config = root.config();
        try (Wiring wiring = Wiring.open(config)) {
            Logs.warnIfLocalSourcesAllowed(config);
            Worker worker = wiring.rag().newWorker(RepoRag.newWorkerId(), concurrency, IngestionListener.NONE);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                worker.stop(Duration.ofSeconds(20));
                stopped.countDown();
            }, "rag-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            worker.start();
            AutoCloseable sync = SyncCommand.schedule(wiring.rag(), config);
            spec.commandLine().getErr().printf("worker %s running on the %s; Ctrl-C stops it%n", worker.id(),
                    wiring.storeDescription());
            spec.commandLine().getErr().flush();
            stopped.await();
            if (sync != null) {
                sync.close();
            }
            return ExitCodes.OK;
        }
    }
}

package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.ingest.Worker;
import dev.reporag.http.HttpSettings;
import dev.reporag.http.RagHttpServer;
import dev.reporag.http.RunningServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"The HTTP service: JSON API, web page, /health, /ready and /metrics, with in-process workers.",
                "Requests only enqueue work; the workers (here, or separate `rag worker` processes) do it."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @ParentCommand
    RagCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (PORT; default 8080; 0: any free).")
    Integer port;
    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--workers", paramLabel = "N",
            description = "In-process workers (RAG_WORKERS; default 1; 0: only separate `rag worker` processes).")
    Integer workers;

    @Override
    public Integer call() throws Exception {
        Logs.serviceLevel(root.environment());
        Config config = root.config().withPort(port).withWorkers(workers);
        HttpSettings http = Config.httpSettings(root.environment());
        try (Wiring wiring = Wiring.open(config)) {
            Logs.warnIfLocalSourcesAllowed(config);
            RepoRag rag = wiring.rag();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            wiring.bindMetrics(registry);
            Worker worker = config.workers() > 0
                    ? rag.newWorker(RepoRag.newWorkerId(), config.workers(), IngestionListener.NONE) : null;
            RunningServer server = RagHttpServer.start(rag, http, registry, host, config.port());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping: running jobs are given back and resume on the next start");
                if (worker != null) {
                    worker.stop(Duration.ofSeconds(20));
                }
                server.close();
                stopped.countDown();
            }, "rag-serve-shutdown"));
            if (worker != null) {
                worker.start();
            }
            AutoCloseable sync = SyncCommand.schedule(rag, config);
            if (!rag.hasChatModel()) {
                log.warn("no chat model: answers are the best passages themselves (extractive); set GROQ_API_KEY or"
                        + " OPENAI_API_KEY for written answers");
            }
            if (!http.hasAdminToken()) {
                log.warn("RAG_ADMIN_TOKEN is not set: only clients on this machine may add, ingest or delete projects");
            }
            var err = spec.commandLine().getErr();
            err.printf("repo-rag serving on http://%s:%d with %d in-process worker(s) on the %s%n",
                    host.equals("0.0.0.0") ? "localhost" : host, server.port(), config.workers(),
                    wiring.storeDescription());
            err.flush();
            stopped.await();
            if (sync != null) {
                sync.close();
            }
            return ExitCodes.OK;
        }
    }
}

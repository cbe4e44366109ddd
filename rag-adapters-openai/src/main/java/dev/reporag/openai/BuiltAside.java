package dev.reporag.openai;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A client built on a daemon thread of its own once its adapter is told work is coming
 * ({@link #start}, from the ports' {@code prepare}), and waited for on its first use, which starts
 * the build if nothing did. Building LangChain4j's OpenAI clients makes the JDK's HTTP client, whose
 * first one in a process loads the TLS trust store: 0.2-0.25 s in a fresh JVM here, which every
 * one-shot command with an API key configured waited for on its main thread, though most never
 * send anything (status, add, sync).
 */
final class BuiltAside<T> {
    private final CompletableFuture<T> built = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final String threadName;
    private final Supplier<T> builder;

    BuiltAside(String threadName, Supplier<T> builder) {
        this.threadName = threadName;
        this.builder = builder;
    }

    /** Starts the build on its own thread; once only. */
    void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                built.complete(builder.get());
            } catch (RuntimeException | LinkageError e) {
                built.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    boolean started() {
        return started.get();
    }

    /** The client, once built (the build started if it was not); what building it threw, thrown as it was. */
    T get() {
        start();
        try {
            return built.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}

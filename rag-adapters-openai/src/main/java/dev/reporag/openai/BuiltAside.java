package dev.reporag.openai;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A client built on a daemon thread of its own as soon as its adapter is made, and waited for on
 * its first use. Building LangChain4j's OpenAI clients makes the JDK's HTTP client, whose first one
 * in a process loads the TLS trust store: 0.2-0.25 s in a fresh JVM here, which every one-shot command
 * with an API key configured waited for on its main thread, though most never send anything
 * (status, add, sync) and the others send their first request after opening the store or fetching.
 */
final class BuiltAside<T> {
    private final CompletableFuture<T> built = new CompletableFuture<>();

    BuiltAside(String threadName, Supplier<T> builder) {
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

    /** The client, once built; what building it threw, thrown here as it was. */
    T get() {
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

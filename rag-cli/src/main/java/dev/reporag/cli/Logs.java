package dev.reporag.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Map;

/** Long-running services log at INFO unless RAG_LOG_LEVEL says otherwise; one-shot commands at WARN. */
final class Logs {
    private Logs() {
    }

    /**
     * For the long-running commands, whose setting comes from the environment only: a server or
     * worker that fetches local paths and loopback hosts is for development and tests. The one-shot
     * commands allow the paths their user typed, and say nothing.
     */
    static void warnIfLocalSourcesAllowed(Config config) {
        if (config.allowLocalSources()) {
            LoggerFactory.getLogger(Logs.class).warn("RAG_ALLOW_LOCAL_SOURCES=true: local paths, file://, http:// and"
                    + " loopback hosts can be fetched; use this for development and tests only");
        }
    }

    /**
     * Sends what logs through java.util.logging (Lucene, the JDK) to the product's logging, so that
     * RAG_LOG_LEVEL and logback.xml govern it: on Java 21 and later Lucene printed two lines of its
     * own to stderr at every command ("Using MemorySegmentIndexInput…", "please update Apache Lucene").
     */
    static void bridgeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** @param env the process's environment, as {@link Main} read it */
    static void serviceLevel(Map<String, String> env) {
        if (env.get("RAG_LOG_LEVEL") == null
                && LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.INFO);
        }
    }
}

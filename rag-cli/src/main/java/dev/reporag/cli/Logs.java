package dev.reporag.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Long-running services log at INFO unless RAG_LOG_LEVEL says otherwise; one-shot commands at WARN. */
final class Logs {
    private Logs() {
    }

    static void serviceLevel() {
        if (System.getenv("RAG_LOG_LEVEL") == null
                && LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.INFO);
        }
    }
}

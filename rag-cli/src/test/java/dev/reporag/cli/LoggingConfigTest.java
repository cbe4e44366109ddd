package dev.reporag.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The product's logging configuration (src/main/resources/logback.xml), read as the CLI reads it. */
class LoggingConfigTest {
    private static LoggerContext productLogging() throws Exception {
        URL config = Path.of("src/main/resources/logback.xml").toUri().toURL();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        return context;
    }

    /** On Java 21 and later Lucene printed its notes through java.util.logging at every command. */
    @Test
    void javaUtilLoggingReachesTheProductsLoggingAndLucenesNotesStayQuiet() throws Exception {
        assertThat(productLogging().getLogger("org.apache.lucene.store.MMapDirectory").getEffectiveLevel())
                .isEqualTo(Level.ERROR);

        Logs.bridgeJavaUtilLogging();
        ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("dev.reporag.cli.jul");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        target.addAppender(events);
        try {
            java.util.logging.Logger.getLogger("dev.reporag.cli.jul").warning("a note through java.util.logging");
        } finally {
            target.detachAppender(events);
        }
        assertThat(events.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly("a note through java.util.logging");
    }

    @Test
    void jGitsBackgroundFileSystemTimingNeverPrintsItsAbortAsAnError() throws Exception {
        LoggerContext context = productLogging();
        // A process ending during the timing (JGitRepositorySource turns it to the background) made
        // JGit log an error with a stack trace on the terminal of a `rag ingest` that had succeeded.
        assertThat(context.getLogger("org.eclipse.jgit.util.FS").getEffectiveLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger("org.eclipse.jgit.transport").getEffectiveLevel())
                .as("the rest of JGit logs as everything else")
                .isEqualTo(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getEffectiveLevel())
                .isNotEqualTo(Level.OFF);
    }
}

package dev.reporag.git;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class UploadPackOutputTest {
    /**
     * As in `rag` at DEBUG: the log itself writes to stderr, from the upload-pack thread too, and
     * that must reach stderr instead of coming back to the log (it hung).
     */
    @Test
    void theUploadPackThreadsStackTraceGoesToTheLogAndOtherThreadsOutputToStderr() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger(UploadPackOutput.class);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("LOG %msg%n");
        encoder.start();
        console.setContext(context);
        console.setEncoder(encoder);
        console.setTarget("System.err");
        console.start();
        logger.addAppender(console);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        try {
            System.setErr(UploadPackOutput.routing(System.err));
            assertThat(UploadPackOutput.routing(System.err)).as("wraps once").isSameAs(System.err);
            Thread uploadPack = new Thread(() -> new IllegalStateException("Missing unknown a69c723e").printStackTrace(),
                    UploadPackOutput.THREAD);
            uploadPack.start();
            uploadPack.join(10_000);
            assertThat(uploadPack.isAlive()).as("the upload-pack thread ended").isFalse();
            System.err.println("printed by the test");
            System.err.flush();
        } finally {
            System.setErr(stderr);
            logger.detachAppender(console);
            logger.setLevel(null);
            logger.setAdditive(true);
            console.stop();
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("LOG java.lang.IllegalStateException: Missing unknown a69c723e")
                .contains("LOG \tat dev.reporag.git.UploadPackOutputTest").contains("printed by the test");
        assertThat(text.lines().filter(line -> !line.startsWith("LOG "))).containsExactly("printed by the test");
    }
}

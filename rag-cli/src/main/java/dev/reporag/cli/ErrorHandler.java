package dev.reporag.cli;

import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.port.RagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Expected errors become one line and an exit code; never a stack trace on the terminal. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        var err = commandLine.getErr();
        if (e instanceof ConfigException) {
            err.println("configuration error: " + TerminalText.line(e.getMessage()));
            return ExitCodes.CONFIG;
        }
        if (e instanceof NotFoundException || e instanceof InvalidInputException) {
            err.println("error: " + TerminalText.line(e.getMessage()));
            return ExitCodes.USAGE;
        }
        if (e instanceof ConflictException || e instanceof RagException) {
            err.println("error: " + TerminalText.line(e.getMessage()));
            return ExitCodes.FAILED;
        }
        log.debug("unexpected error", e);
        err.println("unexpected error: " + dev.reporag.core.policy.ErrorWords.of(e)
                + " — run with RAG_LOG_LEVEL=DEBUG for details");
        return ExitCodes.FAILED;
    }
}

package dev.reporag.core.ingest;

import dev.reporag.core.policy.ErrorWords;

import dev.reporag.core.port.RagException;
import dev.reporag.core.policy.SecretRedactor;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a failed job's error says. A failure a user can act on keeps its own message. One that comes
 * from a bug or a broken installation (an {@link Error} such as a {@code NoClassDefFoundError} from
 * mismatched library versions, a {@code NullPointerException}...), even wrapped in a
 * {@link RagException}, also names its root cause, since the stack trace is only in the worker's log.
 */
final class Failures {
    private static final int MAX_DETAIL = 300;
    private static final SecretRedactor REDACTOR = new SecretRedactor();

    private Failures() {
    }

    /** The root of the cause chain when the chain shows a bug rather than a condition to act on. */
    static Optional<Throwable> unexpectedRoot(Throwable failure) {
        boolean bug = !(failure instanceof RagException);
        Throwable root = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            bug |= isBug(t);
            root = t;
        }
        return bug ? Optional.of(root) : Optional.empty();
    }

    /** The job's error for a failure, naming an unexpected root cause. */
    static String errorOf(Throwable failure) {
        Optional<Throwable> root = unexpectedRoot(failure);
        if (root.isEmpty()) {
            return failure.getMessage();
        }
        String cause = describe(root.get());
        if (failure instanceof RagException) {
            return failure == root.get() ? failure.getMessage() + " (" + ErrorWords.of(failure) + ")"
                    : failure.getMessage() + "; root cause: " + cause + " (the worker log has the stack trace)";
        }
        return "unexpected error: " + cause + " (the worker log has the stack trace)";
    }

    private static boolean isBug(Throwable t) {
        return t instanceof Error || t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IllegalStateException || t instanceof IndexOutOfBoundsException
                || t instanceof UnsupportedOperationException || t instanceof ArithmeticException;
    }

    private static String describe(Throwable t) {
        String words = REDACTOR.redact(ErrorWords.of(t)).text(); // no class name: the log has it
        if (words.length() > MAX_DETAIL) {
            words = words.substring(0, MAX_DETAIL) + "...";
        }
        return words.replaceAll("\\s+", " ");
    }
}

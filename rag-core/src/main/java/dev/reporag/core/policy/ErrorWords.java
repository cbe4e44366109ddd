package dev.reporag.core.policy;

/**
 * Says in words what kind of unexpected failure happened, for messages users read (job errors, API
 * answers, CLI output): never an exception's class name, which means nothing to them and tells an
 * attacker about the internals. The log keeps the class and the stack trace.
 */
public final class ErrorWords {
    private ErrorWords() {
    }

    /** E.g. "a class is missing (a broken installation): com/example/Missing", "an internal error (a bug)". */
    public static String of(Throwable t) {
        if (t instanceof LinkageError) {
            String what = t.getMessage() == null ? "" : ": " + t.getMessage().strip();
            return "a class is missing or does not match (a broken installation)" + what;
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        if (t instanceof StackOverflowError) {
            return "a recursion too deep (a bug)";
        }
        if (t instanceof Error || t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IllegalStateException || t instanceof IndexOutOfBoundsException
                || t instanceof UnsupportedOperationException || t instanceof ArithmeticException
                || t instanceof IllegalArgumentException) {
            return "an internal error (a bug)";
        }
        return "an unexpected error";
    }
}

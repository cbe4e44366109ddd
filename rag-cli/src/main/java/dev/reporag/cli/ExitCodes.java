package dev.reporag.cli;

/** The documented exit codes. */
final class ExitCodes {
    static final int OK = 0;
    /** A job ended FAILED, or the operation could not be done (e.g. the project is not READY). */
    static final int FAILED = 1;
    /** Bad arguments, or an unknown project. */
    static final int USAGE = 2;
    /** Bad configuration: an invalid variable, a store built for another model, an unreachable database. */
    static final int CONFIG = 3;
    /** Out of memory: the code the JVM itself exits with under -XX:+ExitOnOutOfMemoryError. */
    static final int OUT_OF_MEMORY = 3;
    /** Stopped by Ctrl-C; the next run resumes. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}

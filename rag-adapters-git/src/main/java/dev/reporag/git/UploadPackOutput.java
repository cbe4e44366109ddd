package dev.reporag.git;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Keeps JGit's in-process upload-pack off stderr. A fetch from a local path runs it on a thread of
 * JGit's, which prints the stack trace of its failure on {@code System.err} (for a repository
 * lacking an object) while the fetch fails with "remote: internal server error", which the clone
 * cache then explains. What that thread prints goes to this class's log at DEBUG instead; every
 * other thread's output passes through untouched.
 *
 * <p>The application owns the console: its entry point sets {@code System.err} to
 * {@link #routing(PrintStream) routing(System.err)} once at start ({@code rag}'s main does).
 */
public final class UploadPackOutput {
    private static final Logger log = LoggerFactory.getLogger(UploadPackOutput.class);
    /** The name JGit gives the thread ({@code InternalFetchConnection}). */
    static final String THREAD = "JGit-Upload-Pack";

    private UploadPackOutput() {
    }

    /** A stream passing to {@code original} what every thread but JGit's upload-pack prints. */
    public static PrintStream routing(PrintStream original) {
        return original instanceof Routed ? original : new Routed(original, charset());
    }

    /** The charset the JVM chose for stderr: what text printed to it as characters is encoded with. */
    private static Charset charset() {
        String name = System.getProperty("stderr.encoding",
                System.getProperty("sun.stderr.encoding", System.getProperty("native.encoding")));
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            return Charset.defaultCharset();
        }
    }

    private static final class Routed extends PrintStream {
        Routed(PrintStream original, Charset charset) {
            super(new Router(original, charset), true, charset);
        }
    }

    /** Bytes of the upload-pack thread become log lines; the others go to the original stream. */
    private static final class Router extends OutputStream {
        private final PrintStream original;
        private final Charset charset;
        private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);
        private final ThreadLocal<Boolean> logging = ThreadLocal.withInitial(() -> false);

        Router(PrintStream original, Charset charset) {
            this.original = original;
            this.charset = charset;
        }

        @Override
        public void write(int b) {
            if (!fromUploadPack()) {
                original.write(b);
            } else if (b == '\n') {
                ByteArrayOutputStream pending = line.get();
                String text = pending.toString(charset).stripTrailing();
                pending.reset();
                logging.set(true); // the log may write to System.err from this thread: let that through
                try {
                    log.debug("{}", text);
                } finally {
                    logging.set(false);
                }
            } else {
                line.get().write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (!fromUploadPack()) {
                original.write(bytes, offset, length);
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public void flush() {
            if (!fromUploadPack()) {
                original.flush();
            }
        }

        private boolean fromUploadPack() {
            return THREAD.equals(Thread.currentThread().getName()) && !logging.get();
        }
    }
}

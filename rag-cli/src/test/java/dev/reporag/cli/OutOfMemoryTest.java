package dev.reporag.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An OutOfMemoryError in any thread ends `rag`, even started without -XX:+ExitOnOutOfMemoryError. */
class OutOfMemoryTest {
    @TempDir
    Path tmp;

    /** A `rag` process whose background thread runs out of memory while its main thread waits. */
    static final class Exhausting {
        public static void main(String[] args) throws InterruptedException {
            Main.exitOnOutOfMemory();
            Thread hog = new Thread(() -> {
                List<long[]> held = new ArrayList<>();
                while (true) {
                    held.add(new long[1 << 20]);
                }
            }, "hog");
            hog.start();
            Thread.sleep(60_000);
        }
    }

    /** A `rag` process whose background thread fails with another error, its main thread going on. */
    static final class Failing {
        public static void main(String[] args) throws InterruptedException {
            Main.exitOnOutOfMemory();
            Thread failing = new Thread(() -> {
                throw new IllegalStateException("a bug in a background thread");
            }, "worker-1");
            failing.start();
            failing.join();
            System.out.println("main goes on");
        }
    }

    @Test
    void anyOtherUncaughtErrorIsLoggedOnceAndTheProcessGoesOn() throws Exception {
        Path log = tmp.resolve("error.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Failing.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        // It was handed back and forth between the thread group and this handler until the stack overflowed.
        assertThat(output).doesNotContain("StackOverflowError")
                .contains("an unexpected error ended thread worker-1")
                .contains("IllegalStateException: a bug in a background thread")
                .contains("main goes on");
        assertThat(child.exitValue()).isZero();
    }

    @Test
    void anOutOfMemoryErrorInAnyThreadEndsTheProcess() throws Exception {
        Path log = tmp.resolve("oom.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-cp", System.getProperty("java.class.path"), Exhausting.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        boolean ended = child.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }

        assertThat(ended).as("ended within 30 s, not wedged").isTrue();
        assertThat(child.exitValue()).isEqualTo(ExitCodes.OUT_OF_MEMORY);
        assertThat(Files.readString(log)).contains("rag: out of memory in thread hog; stopping");
    }
}

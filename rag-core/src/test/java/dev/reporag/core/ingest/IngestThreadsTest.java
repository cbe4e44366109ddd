package dev.reporag.core.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IngestThreadsTest {
    @Test
    void readsOfEveryJobShareAFixedSetOfDaemonThreads() throws Exception {
        try (IngestThreads threads = new IngestThreads()) {
            Set<String> names = new HashSet<>();
            for (int job = 0; job < 3; job++) {
                List<Future<Thread>> reads = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    reads.add(threads.read(Thread::currentThread));
                }
                for (Future<Thread> read : reads) {
                    Thread thread = read.get(5, TimeUnit.SECONDS);
                    assertThat(thread.isDaemon()).isTrue();
                    names.add(thread.getName());
                }
            }
            assertThat(names).hasSizeLessThanOrEqualTo(IngestThreads.READERS)
                    .allSatisfy(name -> assertThat(name).startsWith("rag-read-"));
        }
    }

    @Test
    void heartbeatsStopWhenCancelledAndAllStopWhenClosed() throws Exception {
        IngestThreads threads = new IngestThreads();
        AtomicInteger first = new AtomicInteger();
        CountDownLatch beating = new CountDownLatch(3);
        ScheduledFuture<?> cancelled = threads.every(Duration.ofMillis(10), () -> {
            first.incrementAndGet();
            beating.countDown();
        });
        assertThat(beating.await(5, TimeUnit.SECONDS)).isTrue();
        cancelled.cancel(false);
        int afterCancel = first.get();

        AtomicInteger second = new AtomicInteger();
        CountDownLatch again = new CountDownLatch(2);
        threads.every(Duration.ofMillis(10), () -> {
            second.incrementAndGet();
            again.countDown();
        });
        assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
        threads.close();
        int afterClose = second.get();
        Thread.sleep(100);

        assertThat(first.get()).isLessThanOrEqualTo(afterCancel + 1);
        assertThat(second.get()).isLessThanOrEqualTo(afterClose + 1);
    }

    @Test
    void anOpenRunsOnItsOwnThreadAndReportsItsFailure() throws Exception {
        try (IngestThreads threads = new IngestThreads()) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<dev.reporag.core.port.Snapshot> slow = threads.open(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("clone failed");
            });
            // A second open is not queued behind the first (jobs open at once).
            CompletableFuture<dev.reporag.core.port.Snapshot> other = threads.open(() -> {
                throw new IllegalArgumentException("other");
            });
            assertThat(other).failsWithin(Duration.ofSeconds(5));
            assertThat(slow).isNotDone();
            release.countDown();
            assertThat(slow).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(
                    java.util.concurrent.ExecutionException.class).withMessageContaining("clone failed");
        }
    }
}

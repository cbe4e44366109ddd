package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A clone's progress reaches the caller's monitor, and the monitor stops a clone or fetch in the
 * middle, leaving the cache as usable as before. The repository is made here: a few thousand
 * files of random bytes (about 6 MB that do not compress), served over Git's smart HTTP on a
 * local port. (Through a local path, JGit's in-process transport takes a second to notice that the
 * reader stopped: a JDK pipe's writer re-checks once a second.)
 */
class FetchProgressTest {
    private static final int FILES = 2000;
    private static final int FILE_BYTES = 3000;

    @TempDir
    Path temp;

    private Path cache;
    private Path served;
    private GitHttpTestServer server;
    private String url;
    private JGitRepositorySource source;

    /** One call of the monitor, with when it came. */
    private record Report(String task, long done, long total, long nanos) {
    }

    /** Records what it hears; says cancelled from the first report that {@code cancelWhen} accepts. */
    private static final class Recorder implements FetchMonitor {
        final List<Report> reports = new CopyOnWriteArrayList<>();
        private final Predicate<Report> cancelWhen;
        volatile long cancelledAt;

        Recorder(Predicate<Report> cancelWhen) {
            this.cancelWhen = cancelWhen;
        }

        @Override
        public void onFetchProgress(String task, long done, long total) {
            Report report = new Report(task, done, total, System.nanoTime());
            reports.add(report);
            if (cancelledAt == 0 && cancelWhen.test(report)) {
                cancelledAt = System.nanoTime();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelledAt != 0;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        cache = temp.resolve("cache");
        served = temp.resolve("served/big.git");
        server = new GitHttpTestServer(temp.resolve("served"));
        url = server.url("big.git");
        try (TestRepository repository = TestRepository.create(served)) {
            repository.commit("main", randomFiles(new Random(7), "src", FILES));
        }
        source = new JGitRepositorySource(GitSourceSettings.defaults(cache).withAllowLocalSources(true));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static List<TestRepository.Entry> randomFiles(Random random, String dir, int count) {
        List<TestRepository.Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] content = new byte[FILE_BYTES];
            random.nextBytes(content);
            entries.add(TestRepository.Entry.bytes(dir + "/d" + (i % 40) + "/f" + i + ".bin", content));
        }
        return entries;
    }

    private Project project() {
        return new Project(ProjectId.random(), "test", url, null, Instant.now());
    }

    private static long count(Snapshot snapshot) {
        try (Stream<SourceFile> files = snapshot.files()) {
            return files.count();
        }
    }

    /** Everything under the cache but the lock files: finished clones and temporary ones. */
    private List<String> cacheEntries() throws Exception {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList();
        }
    }

    @Test
    void aCloneReportsEachTaskWithItsCountsAFewTimesASecondAtMost() {
        Recorder monitor = new Recorder(r -> false);
        long started = System.nanoTime();
        try (Snapshot snapshot = source.open(project(), monitor)) {
            assertThat(count(snapshot)).isEqualTo(FILES);
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<Report> reports = monitor.reports;
        assertThat(reports).isNotEmpty().allSatisfy(r -> {
            assertThat(r.task()).isNotBlank();
            assertThat(r.done()).isNotNegative();
            assertThat(r.total()).isNotNegative();
            if (r.total() > 0) {
                assertThat(r.done()).isLessThanOrEqualTo(r.total());
            }
        });
        List<String> tasks = reports.stream().map(Report::task).distinct().toList();
        assertThat(tasks).contains("Receiving objects");
        // The end of the receiving task is reported: every object of the commit (files, trees, the commit).
        List<Report> receiving = reports.stream().filter(r -> r.task().equals("Receiving objects")).toList();
        Report last = receiving.get(receiving.size() - 1);
        assertThat(last.total()).isGreaterThan(FILES);
        assertThat(last.done()).isEqualTo(last.total());
        // Throttled: JGit updates once per object (thousands here); a task is reported when it begins,
        // every 250 ms at most while it runs, and as it ends.
        assertThat(reports.size()).as("reports in %d ms: %s", elapsedMillis, reports)
                .isLessThanOrEqualTo(2 * tasks.size() + (int) (elapsedMillis / 250) + 2);
        for (int i = 1; i < receiving.size() - 1; i++) {
            assertThat(receiving.get(i).nanos() - receiving.get(i - 1).nanos())
                    .isGreaterThanOrEqualTo(BoundedMonitor.REPORT_INTERVAL.toNanos());
        }
    }

    @Test
    void aCloneCancelledByItsMonitorStopsAtOnceLeavesNothingAndTheNextOpenSucceeds() throws Exception {
        Recorder monitor = new Recorder(r -> true); // cancels from the first report on

        assertThatThrownBy(() -> source.open(project(), monitor).close())
                .isInstanceOf(SourceException.class)
                .hasMessage("fetching " + url + " was cancelled");
        long stoppingMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - monitor.cancelledAt);

        assertThat(monitor.cancelledAt).isNotZero();
        assertThat(stoppingMillis).as("ms from the cancellation to the failure; %s", monitor.reports.stream()
                .map(r -> r.task() + " " + r.done() + "/" + r.total() + " at "
                        + TimeUnit.NANOSECONDS.toMillis(r.nanos() - monitor.cancelledAt) + " ms").toList())
                .isLessThan(1_000);
        // Stopped before the pack was in: no report of all objects received.
        assertThat(monitor.reports).noneMatch(r -> r.task().equals("Receiving objects") && r.total() > 0
                && r.done() == r.total());
        assertThat(cacheEntries()).as("no clone and no temporary directory is left").isEmpty();

        try (Snapshot snapshot = source.open(project(), FetchMonitor.NONE)) {
            assertThat(count(snapshot)).isEqualTo(FILES);
        }
    }

    @Test
    void aFetchIntoTheCacheCancelledMidwayLeavesTheCacheAtItsEarlierCommit() throws Exception {
        String first;
        try (Snapshot snapshot = source.open(project(), FetchMonitor.NONE)) {
            first = snapshot.commit();
        }
        String second;
        try (TestRepository repository = TestRepository.open(served)) {
            second = repository.commit("main", randomFiles(new Random(8), "next", FILES));
        }
        // Cancelled as the objects start to arrive: JGit stops at the next object.
        Recorder midway = new Recorder(r -> r.task().equals("Receiving objects"));

        assertThatThrownBy(() -> source.open(project(), midway).close())
                .isInstanceOf(SourceException.class)
                .hasMessage("fetching " + url + " was cancelled");
        List<String> entries = cacheEntries();
        assertThat(entries).hasSize(1);
        try (TestRepository clone = TestRepository.open(cache.resolve(entries.get(0)))) {
            assertThat(clone.repository().exactRef("refs/reporag/default").getObjectId().name()).isEqualTo(first);
        }

        try (Snapshot snapshot = source.open(project(), FetchMonitor.NONE)) {
            assertThat(snapshot.commit()).isEqualTo(second).isNotEqualTo(first);
            assertThat(count(snapshot)).isEqualTo(FILES);
            assertThat(snapshot.changesSince(first)).isPresent();
        }
    }

    @Test
    void aWaitForAnotherProcessesLockEndsWhenCancelled() throws Exception {
        Files.createDirectories(cache);
        String key = new SourceUrlPolicy(true, Set.of(), HostResolver.SYSTEM).check(url).cacheKey();
        try (FileChannel channel = FileChannel.open(cache.resolve(key + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = channel.lock();
            long cancelAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            FetchMonitor cancelSoon = new FetchMonitor() {
                @Override
                public void onFetchProgress(String task, long done, long total) {
                }

                @Override
                public boolean isCancelled() {
                    return System.nanoTime() - cancelAt > 0;
                }
            };
            long started = System.nanoTime();
            assertThatThrownBy(() -> source.open(project(), cancelSoon).close())
                    .isInstanceOf(SourceException.class)
                    .hasMessage("fetching " + url + " was cancelled");
            // The timeout is 5 minutes: only the cancellation ends this wait.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
            held.release();
        }
        try (Snapshot snapshot = source.open(project(), FetchMonitor.NONE)) {
            assertThat(count(snapshot)).isEqualTo(FILES);
        }
    }
}

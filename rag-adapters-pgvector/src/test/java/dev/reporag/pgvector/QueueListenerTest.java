package dev.reporag.pgvector;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.JobRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers of one process learn at once of jobs another process queues (a `rag worker` beside
 * `rag serve --workers 0`): the schema's trigger notifies, the listener calls back. Each test's two
 * {@link PgDatabase}s on one schema stand for two processes.
 */
class QueueListenerTest {
    private static final String MODEL = "queue-test";
    private final TestSchema schema = new TestSchema("queue");
    private final TestSchema otherSchema = new TestSchema("queue_other");
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** One element per call of the watch's callback. */
    private final LinkedBlockingQueue<Instant> calls = new LinkedBlockingQueue<>();

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        schema.close();
        otherSchema.close();
    }

    private PgDatabase process(TestSchema in) {
        PgDatabase database = in.builder().embeddingModel(MODEL, 3).build();
        opened.add(database);
        return database;
    }

    private JobRepository.Watch watch(JobRepository jobs) throws InterruptedException {
        JobRepository.Watch watch = jobs.watchQueue(() -> calls.add(Instant.now()));
        opened.add(watch);
        assertThat(calls.poll(10, TimeUnit.SECONDS)).as("one call once listening, for jobs queued before").isNotNull();
        return watch;
    }

    private static ProjectId project(JobRepository jobs, String name) {
        Project project = new Project(ProjectId.random(), name, "https://example.com/" + name + ".git", "main",
                Instant.now());
        jobs.saveProject(project);
        return project.id();
    }

    @Test
    void aJobQueuedOrGivenBackByAnotherProcessCallsTheWatchOfThisOne() throws Exception {
        JobRepository worker = process(schema).jobs();
        JobRepository web = process(schema).jobs();
        ProjectId project = project(web, "queued");
        watch(worker);

        web.enqueue(project, Instant.now());
        assertThat(calls.poll(5, TimeUnit.SECONDS)).as("called for a job queued by the other process").isNotNull();

        IngestionJob claimed = worker.claim("w1", Instant.now(), Duration.ofMinutes(1), 3).orElseThrow();
        assertThat(calls.poll(300, TimeUnit.MILLISECONDS)).as("claiming queues nothing").isNull();
        web.release(claimed.id(), "w1", Instant.now());
        assertThat(calls.poll(5, TimeUnit.SECONDS)).as("called for a job given back PENDING").isNotNull();
    }

    @Test
    void jobsOfAnotherSchemaOnTheSameServerDoNotCallIt() throws Exception {
        watch(process(schema).jobs());
        JobRepository elsewhere = process(otherSchema).jobs();

        elsewhere.enqueue(project(elsewhere, "elsewhere"), Instant.now());

        assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aDroppedConnectionIsOpenedAgainAndCallsOnceForWhatWasQueuedMeanwhile() throws Exception {
        JobRepository worker = process(schema).jobs();
        JobRepository web = process(schema).jobs();
        ProjectId project = project(web, "dropped");
        List<Integer> backends = new ArrayList<>();
        QueueListener listener = new QueueListener(() -> {
            Connection connection = schema.connection();
            backends.add(backendPid(connection));
            return connection;
        }, () -> calls.add(Instant.now()), Duration.ofMillis(200)).start();
        opened.add(listener);
        assertThat(calls.poll(10, TimeUnit.SECONDS)).isNotNull();

        try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(" + backends.get(0) + ")");
        }
        assertThat(calls.poll(10, TimeUnit.SECONDS)).as("called on reconnecting").isNotNull();
        assertThat(backends).hasSize(2);
        web.enqueue(project, Instant.now());
        assertThat(calls.poll(5, TimeUnit.SECONDS)).as("listening again").isNotNull();
        assertThat(worker.claim("w1", Instant.now(), Duration.ofMinutes(1), 3)).isPresent();
    }

    @Test
    void aClosedWatchStopsListeningAtOnce() throws Exception {
        JobRepository web = process(schema).jobs();
        ProjectId project = project(web, "closed");
        JobRepository.Watch watch = watch(process(schema).jobs());

        long start = System.nanoTime();
        watch.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        web.enqueue(project, Instant.now());

        assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }

    private static int backendPid(Connection connection) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.model.AnswerTime;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.RemoteHead;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.WorkerKind;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.StoreException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Projects and ingestion jobs in PostgreSQL; the jobs table is also the queue. Workers claim with
 * {@code FOR UPDATE SKIP LOCKED} so they never wait on each other, and hold a job through a lease
 * (owner + expiry) that they renew; a job whose lease expired is taken over by the next claim.
 * Every method is one statement or one short transaction. Times are the callers' clock, as in the
 * port, so leases compare with the same clock that set them.
 */
final class JdbcJobRepository implements JobRepository {
    private static final String JOB_COLUMNS = "id, project_id, status, files_total, files_done, files_skipped,"
            + " chunks_total, chunks_done, chunks_embedded, percent, error, attempts, commit_id, created_at,"
            + " started_at, finished_at, updated_at, lease_owner, lease_expires_at, eta_seconds";
    private static final String ACTIVE = "status IN ('PENDING', 'PROCESSING')";
    /** Only the lease holder may touch a job. */
    private static final String HELD = " WHERE id = ? AND status = 'PROCESSING' AND lease_owner = ?";

    /** How long a queue watch waits before connecting again after losing its connection. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final UnpooledConnector listenerConnections;

    JdbcJobRepository(DataSource dataSource, UnpooledConnector listenerConnections) {
        this.dataSource = dataSource;
        this.listenerConnections = listenerConnections;
    }

    /** Other processes' jobs arrive as notifications of the schema's trigger (V7_7). */
    @Override
    public Watch watchQueue(Runnable onQueued) {
        return new QueueListener(listenerConnections, onQueued, RECONNECT_DELAY).start();
    }

    @Override
    public void saveProject(Project project) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO projects (id, name, source, ref, created_at, include_globs, exclude_globs)
                     VALUES (?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, source = EXCLUDED.source,
                         ref = EXCLUDED.ref, include_globs = EXCLUDED.include_globs,
                         exclude_globs = EXCLUDED.exclude_globs""")) {
            statement.setString(1, project.id().value());
            statement.setString(2, project.name());
            statement.setString(3, project.source());
            statement.setString(4, project.ref());
            ConnectionWork.setInstant(statement, 5, project.createdAt());
            statement.setArray(6, connection.createArrayOf("text", project.paths().include().toArray()));
            statement.setArray(7, connection.createArrayOf("text", project.paths().exclude().toArray()));
            statement.executeUpdate();
        } catch (SQLException e) {
            if (ConnectionWork.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException("a project named '" + project.name() + "' already exists");
            }
            throw ConnectionWork.failure("save project '" + project.name() + "'", e);
        }
    }

    @Override
    public Optional<Project> project(ProjectId id) {
        return projects("WHERE id = ?", id.value()).stream().findFirst();
    }

    @Override
    public Optional<Project> projectByName(String name) {
        return projects("WHERE name = ?", name).stream().findFirst();
    }

    @Override
    public List<Project> projects() {
        return projects("", null);
    }

    private List<Project> projects(String where, String value) {
        String sql = "SELECT id, name, source, ref, created_at, include_globs, exclude_globs FROM projects " + where
                + " ORDER BY created_at, id";
        return ConnectionWork.withConnection(dataSource, "read projects", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (value != null) {
                    statement.setString(1, value);
                }
                List<Project> projects = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        projects.add(new Project(new ProjectId(rows.getString("id")), rows.getString("name"),
                                rows.getString("source"), rows.getString("ref"), ConnectionWork.instant(rows, "created_at"),
                                new PathRules(texts(rows, "include_globs"), texts(rows, "exclude_globs"))));
                    }
                }
                return projects;
            }
        });
    }

    private static List<String> texts(ResultSet rows, String column) throws SQLException {
        java.sql.Array array = rows.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    @Override
    public void deleteProject(ProjectId id) {
        // Jobs and conversations go with it (ON DELETE CASCADE).
        ConnectionWork.withConnection(dataSource, "delete project " + id, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM projects WHERE id = ?")) {
                statement.setString(1, id.value());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public IngestionJob enqueue(ProjectId project, Instant now) {
        IngestionJob fresh = IngestionJob.pending(project, now);
        // The partial unique index decides between concurrent callers: one INSERT wins, the others
        // see the winner's job. A loser may find no active job if it finished in between: retry.
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<IngestionJob> job;
            try (Connection connection = dataSource.getConnection()) {
                job = jobs(connection, "INSERT INTO ingestion_jobs (id, project_id, status, created_at, updated_at)"
                        + " VALUES (?, ?, 'PENDING', ?, ?) ON CONFLICT (project_id) WHERE " + ACTIVE
                        + " DO NOTHING RETURNING " + JOB_COLUMNS, statement -> {
                    statement.setString(1, fresh.id().value());
                    statement.setString(2, project.value());
                    ConnectionWork.setInstant(statement, 3, now);
                    ConnectionWork.setInstant(statement, 4, now);
                }).stream().findFirst();
                if (job.isEmpty()) {
                    job = jobs(connection, "SELECT " + JOB_COLUMNS + " FROM ingestion_jobs WHERE project_id = ? AND "
                            + ACTIVE, statement -> statement.setString(1, project.value())).stream().findFirst();
                }
            } catch (SQLException e) {
                if (ConnectionWork.FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw new StoreException("unknown project " + project);
                }
                throw ConnectionWork.failure("queue a job for project " + project, e);
            }
            if (job.isPresent()) {
                return job.get();
            }
        }
        throw new StoreException("could not queue a job for project " + project + ": its jobs kept changing; retry");
    }

    @Override
    public Optional<IngestionJob> job(JobId id) {
        return one("SELECT " + JOB_COLUMNS + " FROM ingestion_jobs WHERE id = ?", id.value());
    }

    @Override
    public Optional<IngestionJob> latestJob(ProjectId project) {
        return one("SELECT " + JOB_COLUMNS + " FROM ingestion_jobs WHERE project_id = ? ORDER BY seq DESC LIMIT 1",
                project.value());
    }

    @Override
    public Optional<IngestionJob> latestReadyJob(ProjectId project) {
        return one("SELECT " + JOB_COLUMNS + " FROM ingestion_jobs WHERE project_id = ? AND status = 'READY'"
                + " ORDER BY seq DESC LIMIT 1", project.value());
    }

    private Optional<IngestionJob> one(String sql, String value) {
        return ConnectionWork.withConnection(dataSource, "read jobs",
                connection -> jobs(connection, sql, statement -> statement.setString(1, value)).stream().findFirst());
    }

    @Override
    public Optional<IngestionJob> claim(String worker, Instant now, Duration lease, int maxAttempts) {
        // One short transaction per candidate: lock the oldest claimable job others have not locked,
        // then either take it or, if its lease ran out too often, fail it and look again.
        while (true) {
            Claim claim = ConnectionWork.inTransaction(dataSource, "claim a job", connection -> {
                List<IngestionJob> candidates = jobs(connection, "SELECT " + JOB_COLUMNS + " FROM ingestion_jobs"
                        + " WHERE status = 'PENDING' OR (status = 'PROCESSING' AND lease_expires_at <= ?)"
                        + " ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED",
                        statement -> ConnectionWork.setInstant(statement, 1, now));
                if (candidates.isEmpty()) {
                    return Claim.NONE;
                }
                IngestionJob job = candidates.get(0);
                if (job.status() == JobStatus.PROCESSING && job.attempts() >= maxAttempts) {
                    JobOutcome.Failed failed = JobOutcome.abandoned(job.attempts());
                    try (PreparedStatement statement = connection.prepareStatement("UPDATE ingestion_jobs SET"
                            + " status = 'FAILED', error = ?, finished_at = ?, updated_at = ?, lease_owner = NULL,"
                            + " lease_expires_at = NULL, eta_seconds = NULL WHERE id = ?")) {
                        statement.setString(1, failed.error());
                        ConnectionWork.setInstant(statement, 2, now);
                        ConnectionWork.setInstant(statement, 3, now);
                        statement.setString(4, job.id().value());
                        statement.executeUpdate();
                    }
                    return Claim.GAVE_UP;
                }
                return new Claim(take(connection, job.id(), worker, now, lease, "").orElseThrow(), false);
            });
            if (!claim.gaveUp()) {
                return Optional.ofNullable(claim.job());
            }
        }
    }

    /** What one claiming transaction did: took a job, found none, or failed an abandoned one. */
    private record Claim(IngestionJob job, boolean gaveUp) {
        static final Claim NONE = new Claim(null, false);
        static final Claim GAVE_UP = new Claim(null, true);
    }

    @Override
    public Optional<IngestionJob> claimJob(JobId job, String worker, Instant now, Duration lease) {
        // A single UPDATE: a concurrent claimer waits for the row, re-checks the condition and finds
        // the job taken.
        return ConnectionWork.withConnection(dataSource, "claim job " + job, connection -> take(connection, job, worker, now,
                lease, " AND (status = 'PENDING' OR (status = 'PROCESSING' AND lease_expires_at <= ?))"));
    }

    private Optional<IngestionJob> take(Connection connection, JobId job, String worker, Instant now, Duration lease,
                                        String condition) throws SQLException {
        // The estimate of a previous holder is not this one's: the new holder saves its own.
        return jobs(connection, "UPDATE ingestion_jobs SET status = 'PROCESSING', attempts = attempts + 1,"
                + " lease_owner = ?, lease_expires_at = ?, started_at = COALESCE(started_at, ?), error = NULL,"
                + " finished_at = NULL, updated_at = ?, eta_seconds = NULL WHERE id = ?" + condition
                + " RETURNING " + JOB_COLUMNS,
                statement -> {
                    statement.setString(1, worker);
                    ConnectionWork.setInstant(statement, 2, now.plus(lease));
                    ConnectionWork.setInstant(statement, 3, now);
                    ConnectionWork.setInstant(statement, 4, now);
                    statement.setString(5, job.value());
                    if (!condition.isEmpty()) {
                        ConnectionWork.setInstant(statement, 6, now);
                    }
                }).stream().findFirst();
    }

    @Override
    public boolean renew(JobId job, String worker, Instant now, Duration lease) {
        return heldUpdate(job, worker, "lease_expires_at = ?, updated_at = ?", 2, statement -> {
            ConnectionWork.setInstant(statement, 1, now.plus(lease));
            ConnectionWork.setInstant(statement, 2, now);
        });
    }

    @Override
    public boolean saveProgress(JobId job, String worker, Progress progress, String commit, Instant now) {
        // One UPDATE of one row by primary key: cheap enough after every batch.
        return heldUpdate(job, worker, "files_total = ?, files_done = ?, files_skipped = ?, chunks_total = ?,"
                + " chunks_done = ?, chunks_embedded = ?, percent = GREATEST(percent, ?),"
                + " commit_id = COALESCE(?, commit_id), updated_at = ?, eta_seconds = ?", 10, statement -> {
            setProgress(statement, progress, 1);
            statement.setString(8, commit);
            ConnectionWork.setInstant(statement, 9, now);
            if (progress.etaSeconds() == Progress.ETA_UNKNOWN) {
                statement.setNull(10, Types.BIGINT);
            } else {
                statement.setLong(10, progress.etaSeconds());
            }
        });
    }

    @Override
    public boolean finish(JobId job, String worker, JobOutcome outcome, Instant now) {
        String done = ", finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL,"
                + " eta_seconds = NULL";
        if (outcome instanceof JobOutcome.Ready ready) {
            return heldUpdate(job, worker, "status = 'READY', files_total = ?, files_done = ?, files_skipped = ?,"
                    + " chunks_total = ?, chunks_done = ?, chunks_embedded = ?, percent = ?, commit_id = ?,"
                    + " error = NULL" + done, 10, statement -> {
                setProgress(statement, ready.progress().withPercent(100), 1);
                statement.setString(8, ready.commit());
                ConnectionWork.setInstant(statement, 9, now);
                ConnectionWork.setInstant(statement, 10, now);
            });
        }
        JobOutcome.Failed failed = (JobOutcome.Failed) outcome;
        return heldUpdate(job, worker, "status = 'FAILED', error = ?" + done, 3, statement -> {
            statement.setString(1, failed.error());
            ConnectionWork.setInstant(statement, 2, now);
            ConnectionWork.setInstant(statement, 3, now);
        });
    }

    @Override
    public boolean release(JobId job, String worker, Instant now) {
        return heldUpdate(job, worker, "status = 'PENDING', finished_at = NULL, updated_at = ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, eta_seconds = NULL", 1, statement -> ConnectionWork.setInstant(statement, 1, now));
    }

    @Override
    public void saveSkippedFiles(ProjectId project, SkippedFiles skipped) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO skipped_files (project_id, data, updated_at) VALUES (?, ?, now())
                     ON CONFLICT (project_id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at""")) {
            statement.setString(1, project.value());
            statement.setBytes(2, skipped.toBytes());
            statement.executeUpdate();
        } catch (SQLException e) {
            if (!ConnectionWork.FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) { // else the project was deleted meanwhile
                throw ConnectionWork.failure("save the skipped files of project " + project, e);
            }
        }
    }

    @Override
    public Optional<SkippedFiles> skippedFiles(ProjectId project) {
        return ConnectionWork.withConnection(dataSource, "read the skipped files of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT data FROM skipped_files WHERE project_id = ?")) {
                statement.setString(1, project.value());
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(SkippedFiles.fromBytes(rows.getBytes(1)))
                            : Optional.<SkippedFiles>empty();
                }
            }
        });
    }

    @Override
    public void saveRemoteHead(ProjectId project, RemoteHead head) {
        ConnectionWork.withConnection(dataSource, "save the remote head of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    UPDATE projects SET remote_head = ?, remote_checked_at = ?
                    WHERE id = ? AND (remote_checked_at IS NULL OR remote_checked_at <= ?)""")) {
                statement.setString(1, head.commit());
                ConnectionWork.setInstant(statement, 2, head.checkedAt());
                statement.setString(3, project.value());
                ConnectionWork.setInstant(statement, 4, head.checkedAt());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Optional<RemoteHead> remoteHead(ProjectId project) {
        return ConnectionWork.withConnection(dataSource, "read the remote head of project " + project, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT remote_head, remote_checked_at FROM projects WHERE id = ? AND remote_head IS NOT NULL")) {
                statement.setString(1, project.value());
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new RemoteHead(rows.getString(1), ConnectionWork.instant(rows, "remote_checked_at")))
                            : Optional.<RemoteHead>empty();
                }
            }
        });
    }

    @Override
    public void saveAnswerTime(String rateKey, AnswerTime time) {
        ConnectionWork.withConnection(dataSource, "save the embedding API's answer time", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO answer_times (key_hash, mean_seconds, answers, recorded_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key_hash) DO UPDATE SET mean_seconds = EXCLUDED.mean_seconds,
                        answers = EXCLUDED.answers, recorded_at = EXCLUDED.recorded_at
                    WHERE answer_times.recorded_at <= EXCLUDED.recorded_at""")) {
                statement.setString(1, rateKey);
                statement.setDouble(2, time.meanSeconds());
                statement.setLong(3, time.answers());
                ConnectionWork.setInstant(statement, 4, time.recordedAt());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Optional<AnswerTime> answerTime(String rateKey) {
        return ConnectionWork.withConnection(dataSource, "read the embedding API's answer time", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT mean_seconds, answers, recorded_at FROM answer_times WHERE key_hash = ?")) {
                statement.setString(1, rateKey);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new AnswerTime(rows.getDouble(1), rows.getLong(2),
                                    ConnectionWork.instant(rows, "recorded_at")))
                            : Optional.<AnswerTime>empty();
                }
            }
        });
    }

    @Override
    public void workerSeen(WorkerKind kind, Instant now) {
        ConnectionWork.withConnection(dataSource, "note a " + kind + " sighting", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO worker_sightings (kind, seen_at) VALUES (?, ?)
                    ON CONFLICT (kind) DO UPDATE SET seen_at = GREATEST(worker_sightings.seen_at, EXCLUDED.seen_at)""")) {
                statement.setString(1, kind.name());
                ConnectionWork.setInstant(statement, 2, now);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Map<WorkerKind, Instant> workersLastSeen() {
        return byKey(WorkerKind.class, "SELECT kind, seen_at FROM worker_sightings", "read worker sightings",
                rows -> ConnectionWork.instant(rows, "seen_at"));
    }

    @Override
    public Map<JobStatus, Long> finishedJobs() {
        return byKey(JobStatus.class, "SELECT status, jobs FROM job_outcomes", "read job outcome counts",
                rows -> rows.getLong(2));
    }

    /** A two-column table keyed by an enum's names; names this version does not know are left out. */
    private <K extends Enum<K>, V> Map<K, V> byKey(Class<K> keys, String sql, String what, Column<V> value) {
        return ConnectionWork.withConnection(dataSource, what, connection -> {
            Map<K, V> values = new EnumMap<>(keys);
            try (PreparedStatement statement = connection.prepareStatement(sql);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    for (K key : keys.getEnumConstants()) {
                        if (key.name().equals(rows.getString(1))) {
                            values.put(key, value.read(rows));
                        }
                    }
                }
            }
            return values;
        });
    }

    @FunctionalInterface
    private interface Column<V> {
        V read(ResultSet rows) throws SQLException;
    }

    private boolean heldUpdate(JobId job, String worker, String assignments, int parameters, Binder binder) {
        return ConnectionWork.withConnection(dataSource, "update job " + job, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE ingestion_jobs SET " + assignments + HELD)) {
                binder.bind(statement);
                statement.setString(parameters + 1, job.value());
                statement.setString(parameters + 2, worker);
                return statement.executeUpdate() == 1;
            }
        });
    }

    private static void setProgress(PreparedStatement statement, Progress progress, int from) throws SQLException {
        statement.setInt(from, progress.filesTotal());
        statement.setInt(from + 1, progress.filesDone());
        statement.setInt(from + 2, progress.filesSkipped());
        statement.setLong(from + 3, progress.chunksTotal());
        statement.setLong(from + 4, progress.chunksDone());
        statement.setLong(from + 5, progress.chunksEmbedded());
        statement.setInt(from + 6, progress.percent());
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static List<IngestionJob> jobs(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<IngestionJob> jobs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    jobs.add(job(rows));
                }
            }
            return jobs;
        }
    }

    private static IngestionJob job(ResultSet rows) throws SQLException {
        long eta = rows.getLong("eta_seconds");
        if (rows.wasNull()) {
            eta = Progress.ETA_UNKNOWN;
        }
        Progress progress = new Progress(rows.getInt("files_total"), rows.getInt("files_done"),
                rows.getInt("files_skipped"), rows.getLong("chunks_total"), rows.getLong("chunks_done"),
                rows.getLong("chunks_embedded"), rows.getInt("percent"), eta);
        return new IngestionJob(new JobId(rows.getString("id")), new ProjectId(rows.getString("project_id")),
                JobStatus.valueOf(rows.getString("status")), progress, rows.getString("error"),
                rows.getInt("attempts"), rows.getString("commit_id"), ConnectionWork.instant(rows, "created_at"),
                ConnectionWork.instant(rows, "started_at"), ConnectionWork.instant(rows, "finished_at"), ConnectionWork.instant(rows, "updated_at"),
                rows.getString("lease_owner"), ConnectionWork.instant(rows, "lease_expires_at"));
    }
}

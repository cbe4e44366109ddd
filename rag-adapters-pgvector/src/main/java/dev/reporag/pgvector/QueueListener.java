package dev.reporag.pgvector;

import dev.reporag.core.port.JobRepository;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Listens on the channel the schema's trigger notifies when a job becomes claimable
 * (V7_7__notify_queued_jobs.sql) and calls back, on a daemon thread with a connection of its own
 * (outside the small pool, which it would otherwise hold forever). A lost connection is opened again;
 * meanwhile the workers' polling still finds every job, so nothing depends on a notification.
 * Connection poolers in transaction mode do not pass notifications on: there workers just poll.
 */
final class QueueListener implements JobRepository.Watch {
    static final String CHANNEL = "reporag_jobs";
    /** How the listening connection shows in pg_stat_activity. */
    static final String APPLICATION_NAME = "repo-rag queue listener";
    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);
    /** How long one wait for notifications lasts before the connection is checked. */
    private static final int WAIT_MILLIS = 10_000;

    private final UnpooledConnector connector;
    private final Runnable onQueued;
    private final Duration reconnectDelay;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;

    QueueListener(UnpooledConnector connector, Runnable onQueued, Duration reconnectDelay) {
        this.connector = connector;
        this.onQueued = onQueued;
        this.reconnectDelay = reconnectDelay;
        this.thread = new Thread(this::run, "rag-queue-listener");
        thread.setDaemon(true);
    }

    QueueListener start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection connection = connector.connect()) {
                current = connection;
                String schema = listen(connection);
                if (failing) {
                    log.info("listening for queued jobs again");
                    failing = false;
                }
                onQueued.run(); // for whatever was queued while this was not listening
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
                    if (received == null || received.length == 0) {
                        if (!connection.isValid(2)) {
                            throw new SQLException("the listening connection stopped answering");
                        }
                    } else if (concernsSchema(received, schema)) {
                        onQueued.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    log.warn("not listening for queued jobs ({}); workers poll meanwhile, retrying every {} s",
                            e.getMessage(), reconnectDelay.toSeconds());
                    failing = true;
                }
                sleep();
            } finally {
                current = null;
            }
        }
    }

    /** Starts listening; returns the schema of the jobs table this connection sees. */
    private static String listen(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
            try (ResultSet schema = statement.executeQuery(
                    "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'ingestion_jobs'::regclass")) {
                schema.next();
                return schema.getString(1).replace("\"", "");
            }
        }
    }

    private static boolean concernsSchema(PGNotification[] received, String schema) {
        for (PGNotification notification : received) {
            if (schema.equals(notification.getParameter())) {
                return true;
            }
        }
        return false;
    }

    private void sleep() {
        try {
            Thread.sleep(reconnectDelay.toMillis());
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        Connection connection = current;
        if (connection != null) {
            try {
                connection.abort(Runnable::run); // drops the socket: ends a wait in progress at once
            } catch (SQLException ignored) {
                // the listener's own close follows
            }
        }
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.ingest.OutageTolerance;
import dev.reporag.core.port.StoreException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Runs a unit of work on a pooled connection (or in one transaction): tried again on a fresh
 * connection when the one in use is lost, its failures translated to the core's; and timestamp
 * conversion for its statements.
 */
final class ConnectionWork {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConnectionWork.class);
    /** SQLSTATE of unique_violation and foreign_key_violation. */
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";

    private ConnectionWork() {
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Tries per unit of work when a connection in use is lost (the server restarted under it). */
    static final int CONNECTION_ATTEMPTS = 3;
    /**
     * Tries on a thread running a job ({@link OutageTolerance#mayWait}), each after the pool's
     * bounded wait for a connection: about 30 s of outage waited out, so a database restart does
     * not fail the job.
     */
    static final int JOB_ATTEMPTS = 20;

    /**
     * Runs {@code work} on a pooled connection in autocommit mode. When a connection in use is lost
     * (the server restarted or dropped it), the work runs again on a fresh one: each unit of work here
     * is one statement or one transaction, rolled back with the lost connection and safe to repeat.
     * When no connection can be had (the database is down), a request fails at once, after the
     * pool's bounded wait, so no request thread is held longer than that; only a thread running a
     * job keeps trying, for about 30 s.
     */
    static <T> T withConnection(DataSource dataSource, String what, Work<T> work) {
        boolean job = OutageTolerance.mayWait();
        int attempts = job ? JOB_ATTEMPTS : CONNECTION_ATTEMPTS;
        for (int attempt = 1; ; attempt++) {
            Connection connection;
            try {
                connection = dataSource.getConnection();
            } catch (SQLException e) {
                if (!job || attempt >= attempts || !connectionLost(e)) {
                    throw failure(what, e); // the pool waited its connect timeout already
                }
                log.warn("PostgreSQL is not reachable while trying to {} ({}); the job waits", what, e.getMessage());
                continue;
            }
            try (connection) {
                return work.run(connection);
            } catch (SQLException e) {
                if (attempt >= attempts || !connectionLost(e)) {
                    throw failure(what, e);
                }
                log.warn("lost the PostgreSQL connection while trying to {} ({}); trying again", what, e.getMessage());
                try {
                    Thread.sleep(250L * Math.min(attempt, 4));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failure(what, e);
                }
            }
        }
    }

    /**
     * SQLSTATE class 08 (connection exception), and 57P01-57P03: the server is shutting down,
     * crashed, or not yet accepting connections.
     */
    static boolean connectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        return withConnection(dataSource, what, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                // On a lost connection the rollback fails too ("Connection is closed"): the first
                // failure is what tells that the work can be repeated, so it is the one thrown.
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException resetFailed) {
                    // a lost connection: the pool discards it (and resets the mode of those it keeps)
                }
            }
        });
    }

    static StoreException failure(String what, SQLException e) {
        // Driver and server messages carry no credentials; they say what the database refused.
        return new StoreException("PostgreSQL could not " + what + ": " + e.getMessage(), e);
    }

    /** Binds a timestamptz exactly, whatever the JVM's time zone. */
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet resultSet, String column) throws SQLException {
        OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

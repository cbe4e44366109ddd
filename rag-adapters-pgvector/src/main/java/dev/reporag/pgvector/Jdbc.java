package dev.reporag.pgvector;

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

/** Small JDBC helpers: connections with a translated failure, and timestamp conversion. */
final class Jdbc {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Jdbc.class);
    /** SQLSTATE of unique_violation and foreign_key_violation. */
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";

    private Jdbc() {
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Tries per unit of work when the connection is lost: the pool waits for the server between them. */
    static final int CONNECTION_ATTEMPTS = 3;

    /**
     * Runs {@code work} on a pooled connection in autocommit mode. When the connection is lost (the
     * server restarted or dropped it), the work runs again on a fresh one: each unit of work here is
     * one statement or one transaction, rolled back with the lost connection and safe to repeat.
     */
    static <T> T withConnection(DataSource dataSource, String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            } catch (SQLException e) {
                if (attempt >= CONNECTION_ATTEMPTS || !connectionLost(e)) {
                    throw failure(what, e);
                }
                log.warn("lost the PostgreSQL connection while trying to {} ({}); trying again", what, e.getMessage());
                try {
                    Thread.sleep(250L * attempt);
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
                // On a lost connection these fail too ("Connection is closed"): the first failure is the one
                // that says why, and decides whether the work runs again on a fresh connection.
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException lost) {
                    // the pool drops a broken connection
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

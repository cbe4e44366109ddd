package dev.reporag.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reporag.core.port.StoreException;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A connection the server drops (a restart, an admin) costs one retry, not the caller's work. */
class JdbcReconnectTest {
    @Test
    void workOnAConnectionTheServerTerminatedRunsAgainOnAFreshOne() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(TestSchema.serverUrl());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            int first = ConnectionWork.withConnection(pool, "read the backend", JdbcReconnectTest::backendPid);
            try (Connection admin = TestSchema.adminConnection(); Statement statement = admin.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(" + first + ")");
            }
            AtomicInteger runs = new AtomicInteger();
            // Within the pool's 500 ms of trust, it hands out the dead connection unchecked.
            int second = ConnectionWork.withConnection(pool, "read the backend", c -> {
                runs.incrementAndGet();
                return backendPid(c);
            });

            assertThat(second).isNotEqualTo(first);
            assertThat(runs.get()).isEqualTo(2);
        }
    }

    @Test
    void otherErrorsAreNotRepeated() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(TestSchema.serverUrl());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> ConnectionWork.withConnection(pool, "run nonsense", c -> {
                runs.incrementAndGet();
                try (Statement statement = c.createStatement()) {
                    return statement.execute("SELEC 1");
                }
            })).isInstanceOf(StoreException.class).hasMessageContaining("could not run nonsense");
            assertThat(runs.get()).isEqualTo(1);
        }
    }

    private static int backendPid(Connection connection) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}

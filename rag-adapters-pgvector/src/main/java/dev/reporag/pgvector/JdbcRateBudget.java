package dev.reporag.pgvector;

import dev.reporag.core.port.RateBudget;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * Rate budgets in PostgreSQL, for processes that share an API key: one row per key (a hash), each
 * reservation one atomic upsert that takes the next start on the database's clock and moves it on
 * by the request's slot. Processes' clocks never meet: each gets back how long to wait from now.
 */
final class JdbcRateBudget implements RateBudget {
    private static final String RESERVE = """
            INSERT INTO rate_budget AS b (key_hash, next_start, reserved_tokens, updated_at)
            VALUES (?, clock_timestamp() + ? * interval '1 microsecond', ?, clock_timestamp())
            ON CONFLICT (key_hash) DO UPDATE SET
                next_start = greatest(b.next_start, clock_timestamp()) + ? * interval '1 microsecond',
                reserved_tokens = b.reserved_tokens + excluded.reserved_tokens,
                updated_at = clock_timestamp()
            RETURNING extract(epoch FROM b.next_start - clock_timestamp()), b.reserved_tokens""";
    private static final String PAUSE = """
            INSERT INTO rate_budget AS b (key_hash, next_start, reserved_tokens, updated_at)
            VALUES (?, clock_timestamp() + ? * interval '1 microsecond', 0, clock_timestamp())
            ON CONFLICT (key_hash) DO UPDATE SET
                next_start = greatest(b.next_start, excluded.next_start),
                updated_at = clock_timestamp()""";

    private final DataSource dataSource;

    JdbcRateBudget(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Reservation reserve(String key, Duration slot, long tokens) {
        long micros = slot.toNanos() / 1_000;
        return ConnectionWork.withConnection(dataSource, "reserve a start of the shared rate budget", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RESERVE)) {
                statement.setString(1, key);
                statement.setLong(2, micros);
                statement.setLong(3, tokens);
                statement.setLong(4, micros);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    // The row now ends one slot after this request's start.
                    double untilStart = row.getDouble(1) - micros / 1e6;
                    return new Reservation(Duration.ofNanos(Math.max(0, (long) (untilStart * 1e9))), row.getLong(2));
                }
            }
        });
    }

    @Override
    public void pause(String key, Duration delay) {
        ConnectionWork.withConnection(dataSource, "pause the shared rate budget", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(PAUSE)) {
                statement.setString(1, key);
                statement.setLong(2, delay.toNanos() / 1_000);
                return statement.executeUpdate();
            }
        });
    }
}

package dev.reporag.pgvector;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reporag.core.port.StoreException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {
    private static final String SECRET = "s3cr3t-Pa55word";

    @Test
    void readsRendersForm() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app_user:" + SECRET + "@dpg-abc123-a.oregon-postgres.render.com:6543/app_db?sslmode=require");

        assertThat(url.host()).isEqualTo("dpg-abc123-a.oregon-postgres.render.com");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("app_db");
        assertThat(url.user()).contains("app_user");
        assertThat(url.password()).contains(SECRET);
        assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "require"));
        assertThat(url.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://dpg-abc123-a.oregon-postgres.render.com:6543/app_db?sslmode=require");
    }

    @Test
    void readsPostgresqlSchemeWithoutPortAndWithEscapes() {
        // Render's internal URLs have no port; special characters arrive percent-encoded.
        DatabaseUrl url = DatabaseUrl.parse("postgresql://me:p%40ss%2Fw%3Ard@dpg-internal/db");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.password()).contains("p@ss/w:rd");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dpg-internal:5432/db");
    }

    @Test
    void readsTheJdbcFormAndTakesCredentialsOutOfTheUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://127.0.0.1:5432/reporag_test?user=postgres&password="
                + SECRET + "&sslmode=disable&ApplicationName=x");

        assertThat(url.user()).contains("postgres");
        assertThat(url.password()).contains(SECRET);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/reporag_test?sslmode=disable&ApplicationName=x");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://[::1]:5433/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    /** libpq and the driver take several hosts, tried in turn (high-availability set-ups). */
    @Test
    void readsSeveralHostsInEitherForm() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app:" + SECRET + "@db1.example:5433,db2.example,[::1]:6000/app"
                + "?target_session_attrs=read-write");

        assertThat(url.host()).isEqualTo("db1.example");
        assertThat(url.port()).isEqualTo(5433);
        assertThat(url.password()).contains(SECRET);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1.example:5433,db2.example:5432,[::1]:6000/app"
                + "?targetServerType=primary");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db?user=u").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:" + SECRET + "@h1,,h2/db"))
                .isInstanceOf(StoreException.class).hasMessageContaining("host list with an invalid entry")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:pa/ss@host/db")).isInstanceOf(StoreException.class)
                .hasMessageContaining("percent-encoded").hasMessageNotContaining("pa/ss");
    }

    /** Neon's and Supabase's connection strings carry libpq's names, which the driver does not know. */
    @Test
    void libpqParameterNamesBecomeTheDriversNames() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:" + SECRET + "@ep-cool-1.eu-central-1.aws.neon.tech/neondb"
                + "?sslmode=require&channel_binding=require&connect_timeout=10&application_name=shop"
                + "&target_session_attrs=prefer-standby&options=-c%20statement_timeout%3D5000");

        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "require"),
                Map.entry("channelBinding", "require"), Map.entry("connectTimeout", "10"),
                Map.entry("ApplicationName", "shop"), Map.entry("targetServerType", "preferSecondary"),
                Map.entry("options", "-c statement_timeout=5000"));
    }

    @Test
    void aUnixSocketIsRefusedSayingToGiveAHost() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///app?host=/var/run/postgresql&user=postgres"))
                .isInstanceOf(StoreException.class).hasMessageContaining("names a Unix socket")
                .hasMessageContaining("give the server's host and port");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///app")).isInstanceOf(StoreException.class)
                .hasMessageContaining("names no host");
    }

    @Test
    void neverShowsThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app_user:" + SECRET + "@host/db");

        assertThat(url.toString()).isEqualTo("postgresql://app_user:****@host:5432/db").doesNotContain(SECRET);
        assertThat(url.jdbcUrl()).doesNotContain(SECRET);
    }

    @Test
    void explainsBadUrlsWithoutEchoingThem() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:" + SECRET + "@h/db"))
                .isInstanceOf(StoreException.class).hasMessageContaining("unsupported scheme")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:" + SECRET + "@host"))
                .isInstanceOf(StoreException.class).hasMessageContaining("no database")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:" + SECRET + " x@host/db"))
                .isInstanceOf(StoreException.class).hasMessageContaining("percent-encode")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).isInstanceOf(StoreException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aFailedConnectionNamesTheServerButNotThePassword() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        List<Logger> verbose = Stream.of("com.zaxxer.hikari", "org.postgresql", "dev.reporag")
                .map(name -> (Logger) LoggerFactory.getLogger(name)).toList();
        verbose.forEach(logger -> logger.setLevel(Level.DEBUG));
        try {
            // Port 1 on loopback: nothing listens, the connection is refused at once.
            assertThatThrownBy(() -> PgDatabase.builder("postgres://app_user:" + SECRET + "@127.0.0.1:1/app_db")
                    .embeddingModel("m", 8).connectTimeoutMillis(1000).build())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot connect to PostgreSQL at postgresql://app_user:****@127.0.0.1:1/app_db")
                    .hasMessageNotContaining(SECRET)
                    .satisfies(e -> assertThat(stackText(e)).doesNotContain(SECRET));
        } finally {
            verbose.forEach(logger -> logger.setLevel(null));
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
            if (event.getThrowableProxy() != null) {
                assertThat(event.getThrowableProxy().getMessage()).doesNotContain(SECRET);
            }
        });
    }

    private static String stackText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}

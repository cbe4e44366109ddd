package dev.reporag.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL that takes TLS connections only, as hosted databases reached from outside do
 * (Render's external URL, Neon): `rag` connects with the URL's {@code sslmode} — every connection
 * of it, the pool's, the migration lock's and the queue listener's — and one without TLS, or with
 * a certificate it cannot trust, is refused with the server's or the driver's reason, no trace.
 */
class TlsDatabaseTest {
    @TempDir
    Path tmp;

    @Test
    void aServerThatRequiresTlsIsReachedWithTheUrlsSslModeAndRefusedWithoutIt() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("repo"), GitRepos.generatedCode(5, 2));
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            Path cert = pg.requireTls();
            String server = "postgres://postgres@127.0.0.1:" + pg.port() + "/postgres";
            Map<String, String> env = new HashMap<>(Map.of("RAG_HOME", tmp.resolve("home").toString(),
                    "RAG_EMBEDDER", "hashing", "RAG_ALLOW_LOCAL_SOURCES", "true"));

            // Verified against the server's certificate (its name is 127.0.0.1): ingested, then served.
            env.put("DATABASE_URL", server + "?sslmode=verify-full&sslrootcert=" + cert);
            Path ingestLog = tmp.resolve("ingest.log");
            assertThat(Child.run(ingestLog, 120, env, "ingest", repo.toString(), "--name", "tls"))
                    .as(Files.readString(ingestLog)).isZero();
            assertThat(Files.readString(ingestLog)).contains("tls is READY");
            env.put("RAG_WORKERS", "1");
            try (Child serve = Child.start(tmp.resolve("serve.log"), env, "serve", "--port", "0", "--host", "127.0.0.1")) {
                CrashTest.awaitMatch(serve, Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)"), 90);
                try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port()
                        + "/postgres?user=postgres&sslmode=require");
                     Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT a.application_name, s.ssl FROM pg_stat_activity a"
                             + " JOIN pg_stat_ssl s USING (pid) WHERE a.application_name LIKE 'repo-rag%'")) {
                    Map<String, Boolean> encrypted = new HashMap<>();
                    while (rows.next()) {
                        encrypted.merge(rows.getString(1), rows.getBoolean(2), Boolean::logicalAnd);
                    }
                    assertThat(encrypted).containsEntry("repo-rag", true).containsEntry("repo-rag queue listener", true);
                }
            }

            // Without TLS: the server's refusal, said plainly.
            env.put("DATABASE_URL", server + "?sslmode=disable");
            Path plainLog = tmp.resolve("plain.log");
            assertThat(Child.run(plainLog, 60, env, "status")).isNotZero();
            assertThat(Files.readString(plainLog)).contains("cannot connect to PostgreSQL", "no encryption")
                    .doesNotContain("\tat ", "Exception");

            // A certificate the client cannot trust (another one, not the server's).
            Path stranger = tmp.resolve("stranger.crt");
            ThrowawayPostgres.selfSignedCertificate(stranger, tmp.resolve("stranger.key"));
            env.put("DATABASE_URL", server + "?sslmode=verify-full&sslrootcert=" + stranger);
            Path untrustedLog = tmp.resolve("untrusted.log");
            assertThat(Child.run(untrustedLog, 60, env, "status")).isNotZero();
            assertThat(Files.readString(untrustedLog)).contains("cannot connect to PostgreSQL", "the TLS handshake failed",
                    "sslrootcert").doesNotContain("\tat ", "Exception");
        }
    }
}

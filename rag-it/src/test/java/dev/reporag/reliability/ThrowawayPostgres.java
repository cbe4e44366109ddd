package dev.reporag.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 cluster of its own, for tests that stop and start the database: made with the
 * installation's initdb in a temporary directory, listening on 127.0.0.1 on a free port, trust
 * authentication, superuser postgres. pgvector is installed into that PostgreSQL installation
 * (scripts/setup-postgres.sh), so the cluster can CREATE EXTENSION vector. PostgreSQL refuses to run
 * as root: when the tests run as root (as scripts/test.sh in CI does), the server runs as the
 * postgres user through runuser. Other tests' database is never touched.
 */
final class ThrowawayPostgres implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private ThrowawayPostgres(Path dir, int port, boolean asPostgres) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Creates and starts the cluster. */
    static ThrowawayPostgres start() throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed at " + BIN + ": run scripts/setup-postgres.sh");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("reporag-pg-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(dir, port, root);
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), 30);
        }
        pg.pg(60, BIN.resolve("initdb").toString(), "-D", pg.data.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync", "-E", "UTF8", "--locale=C");
        pg.startServer();
        return pg;
    }

    /** A DATABASE_URL for the cluster's postgres database. */
    String databaseUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    int port() {
        return port;
    }

    void startServer() throws Exception {
        pg(60, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "50",
                "start");
    }

    /**
     * Makes the server accept TLS connections only, as hosted PostgreSQL often does: a self-signed
     * certificate for 127.0.0.1 (made with openssl), {@code ssl=on}, and pg_hba.conf rejecting
     * unencrypted connections; restarts the server. Returns the certificate, a client's root of trust.
     */
    Path requireTls() throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        selfSignedCertificate(cert, key);
        if (asPostgres) {
            run(List.of("chown", "postgres:postgres", key.toString(), cert.toString()), 30);
        }
        Files.writeString(data.resolve("postgresql.auto.conf"), "ssl = on\nssl_cert_file = '" + cert
                + "'\nssl_key_file = '" + key + "'\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\n"
                + "hostssl all all 127.0.0.1/32 trust\n"
                + "hostnossl all all 127.0.0.1/32 reject\n");
        stopServer();
        startServer();
        return cert;
    }

    /** A certificate for 127.0.0.1 signed by its own key (made with openssl), the key readable by its owner only. */
    static void selfSignedCertificate(Path cert, Path key) throws Exception {
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()), 60);
        run(List.of("chmod", "600", key.toString()), 30);
    }

    /** Stops the server at once (fast shutdown: connections are ended). */
    void stopServer() throws Exception {
        pg(60, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
    }

    private void pg(int seconds, String... command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full, seconds);
    }

    private static void run(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                stopServer();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temporary directory: the OS cleans what is left
                    }
                });
            }
        }
    }
}

package dev.reporag.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.eclipse.jgit.transport.UploadPack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * Git's smart HTTP protocol (the part a fetch uses) on the JDK's HTTP server, backed by JGit's own
 * UploadPack over bare repositories under a directory: what GitServlet does, without a servlet
 * container. It can require Basic authentication, redirect, or stall, for tests of those paths.
 */
final class GitHttpTestServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Path root;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile String requiredAuthorization;
    private volatile String redirectTo;
    private volatile long stallMillis;
    private volatile long delayMillis;

    GitHttpTestServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url(String repositoryName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repositoryName;
    }

    int port() {
        return server.getAddress().getPort();
    }

    void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers every request with a redirect to the same path under this base URL. */
    void redirectTo(String baseUrl) {
        redirectTo = baseUrl;
    }

    /** Waits this long before answering a fetch's pack request. */
    void stall(long millis) {
        stallMillis = millis;
    }

    /** Waits this long before answering any request: a forge's round trip, for measuring how many a fetch makes. */
    void delayEachRequest(long millis) {
        delayMillis = millis;
    }

    /** Authorization headers received, for checking what was (not) sent. */
    List<String> authorizations() {
        return authorizations;
    }

    List<String> paths() {
        return paths;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            paths.add(path);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            if (redirectTo != null) {
                exchange.getResponseHeaders().add("Location", redirectTo + path + (query == null ? "" : "?" + query));
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(query)) {
                advertise(exchange, repository(path, "/info/refs"));
            } else if (path.endsWith("/git-upload-pack") && exchange.getRequestMethod().equals("POST")) {
                upload(exchange, repository(path, "/git-upload-pack"));
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private Path repository(String path, String suffix) {
        String name = path.substring(1, path.length() - suffix.length());
        Path dir = root.resolve(name).normalize();
        return dir.startsWith(root) && Files.isDirectory(dir.resolve("objects")) ? dir : null;
    }

    private void advertise(HttpExchange exchange, Path dir) throws IOException {
        if (dir == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        try (Repository repository = open(dir)) {
            UploadPack uploadPack = uploadPack(exchange, repository);
            exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                uploadPack.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(new PacketLineOut(out)),
                        "git-upload-pack");
            }
        }
    }

    private void upload(HttpExchange exchange, Path dir) throws IOException {
        if (dir == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        if (stallMillis > 0) {
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try (Repository repository = open(dir)) {
            UploadPack uploadPack = uploadPack(exchange, repository);
            InputStream in = exchange.getRequestBody();
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                uploadPack.upload(in, out, null);
            } catch (UploadPackInternalServerErrorException | ServiceMayNotContinueException e) {
                // Like GitServlet: the error was already sent to the client in the protocol.
            }
        }
    }

    private static UploadPack uploadPack(HttpExchange exchange, Repository repository) {
        UploadPack uploadPack = new UploadPack(repository);
        uploadPack.setBiDirectionalPipe(false);
        String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
        if (protocol != null) {
            uploadPack.setExtraParameters(Arrays.asList(protocol.split(":")));
        }
        return uploadPack;
    }

    private static Repository open(Path dir) throws IOException {
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

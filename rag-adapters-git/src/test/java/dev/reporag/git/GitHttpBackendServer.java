package dev.reporag.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * C Git's own smart HTTP server, {@code git http-backend}, behind the JDK's HTTP server as a CGI
 * program (what Apache or nginx + fcgiwrap do in front of it): the server the hosts' protocol comes
 * from, not JGit's, so the adapter's fetches are checked against an implementation it shares no code
 * with. With {@code protocolV2} off, the client's {@code Git-Protocol} header is not passed on and
 * the server speaks protocol v0, as an older Git or a proxy that drops the header does.
 */
final class GitHttpBackendServer implements AutoCloseable {
    private static final Path BACKEND = locateBackend();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Path root;
    private final boolean protocolV2;
    private final List<String> protocols = new CopyOnWriteArrayList<>();

    GitHttpBackendServer(Path root, boolean protocolV2) throws IOException {
        this.root = root;
        this.protocolV2 = protocolV2;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Where {@code git --exec-path} says C Git keeps its programs; the test fails loudly without it. */
    private static Path locateBackend() {
        try {
            Process process = new ProcessBuilder("git", "--exec-path").redirectErrorStream(true).start();
            String dir = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor(30, TimeUnit.SECONDS);
            Path backend = Path.of(dir, "git-http-backend");
            if (!Files.isExecutable(backend)) {
                throw new IllegalStateException("git http-backend is not at " + backend + " (install git)");
            }
            return backend;
        } catch (IOException e) {
            throw new IllegalStateException("C Git is needed for this test (install git): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String url(String repositoryName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repositoryName;
    }

    /** The {@code GIT_PROTOCOL} each request ran under ("" for v0). */
    List<String> protocols() {
        return protocols;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String protocol = protocolV2 ? exchange.getRequestHeaders().getFirst("Git-Protocol") : null;
            protocols.add(protocol == null ? "" : protocol);
            ProcessBuilder builder = new ProcessBuilder(BACKEND.toString());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("PATH", System.getenv("PATH"));
            env.put("HOME", root.toString()); // no user config of this machine's
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("REQUEST_METHOD", exchange.getRequestMethod());
            env.put("PATH_INFO", exchange.getRequestURI().getPath());
            env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? ""
                    : exchange.getRequestURI().getRawQuery());
            env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                env.put("CONTENT_TYPE", type);
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null) {
                env.put("HTTP_CONTENT_ENCODING", encoding);
            }
            if (protocol != null) {
                env.put("GIT_PROTOCOL", protocol);
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("POST")) {
                env.put("CONTENT_LENGTH", Integer.toString(body.length));
            }
            Process backend = builder.start();
            Thread writer = new Thread(() -> {
                try (OutputStream in = backend.getOutputStream()) {
                    in.write(body);
                } catch (IOException e) {
                    // the backend answered without reading all of it (an error): its answer says why
                }
            });
            writer.start();
            Thread errors = new Thread(() -> {
                try {
                    backend.getErrorStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // nothing to keep
                }
            });
            errors.start();
            InputStream out = new BufferedInputStream(backend.getInputStream());
            int status = 200;
            for (String line = headerLine(out); !line.isEmpty(); line = headerLine(out)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.substring(0, 3));
                } else {
                    exchange.getResponseHeaders().add(name, value);
                }
            }
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream response = exchange.getResponseBody()) {
                out.transferTo(response);
            }
            backend.waitFor(30, TimeUnit.SECONDS);
            writer.join();
            errors.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    /** One CGI header line, without its CR LF or LF; "" at the blank line that ends them (or at the end). */
    private static String headerLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

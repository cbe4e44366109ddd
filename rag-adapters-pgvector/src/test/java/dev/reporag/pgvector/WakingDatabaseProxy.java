package dev.reporag.pgvector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP proxy in front of PostgreSQL that holds back the server's first answer on every connection
 * for a while, as a serverless database waking from scale-to-zero does (Neon: the proxy accepts at
 * once, the compute answers when it is up).
 */
final class WakingDatabaseProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final long wakeMillis;

    WakingDatabaseProxy(String upstreamHost, int upstreamPort, long wakeMillis) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.wakeMillis = wakeMillis;
        Thread acceptor = new Thread(this::accept, "waking-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                pump(client.getInputStream(), upstream.getOutputStream(), 0, client, upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), wakeMillis, client, upstream);
            } catch (IOException e) {
                // closed, or PostgreSQL refused: the client sees its connection end
            }
        }
    }

    private static void pump(InputStream from, OutputStream to, long firstDelayMillis, Socket a, Socket b) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            boolean first = true;
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    if (first && firstDelayMillis > 0) {
                        Thread.sleep(firstDelayMillis);
                    }
                    first = false;
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side went away
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "waking-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

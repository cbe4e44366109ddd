package dev.reporag.http;

import io.javalin.Javalin;

/** A started HTTP service; closing it stops it (open event streams end). */
public final class RunningServer implements AutoCloseable {
    private final Javalin app;

    RunningServer(Javalin app) {
        this.app = app;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}

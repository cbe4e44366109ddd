package dev.reporag.http;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Estimate;
import dev.reporag.core.model.ProjectId;
import io.javalin.http.HttpResponseException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /api/projects/{id}/estimate}: an estimate reads the whole repository, so one is worked
 * out at a time in the server, and each is kept for {@link #TTL} (a page reloaded, or several
 * visitors, cost one read). The in-process model's speed is not measured here: a web server whose
 * workers run elsewhere never loads it.
 */
final class Estimates {
    static final Duration TTL = Duration.ofMinutes(10);

    private record Kept(Estimate estimate, long madeAt) {
    }

    private final RepoRag rag;
    private final Semaphore running = new Semaphore(1);
    private final Map<ProjectId, Kept> kept = new ConcurrentHashMap<>();

    Estimates(RepoRag rag) {
        this.rag = rag;
    }

    Estimate of(ProjectId id, io.javalin.http.Context ctx) {
        rag.status(id); // 404 for an unknown project
        Kept fresh = kept.get(id);
        if (fresh != null && System.nanoTime() - fresh.madeAt() < TTL.toNanos()) {
            return fresh.estimate();
        }
        if (!running.tryAcquire()) {
            ctx.header("Retry-After", "5");
            throw new HttpResponseException(503, "another estimate is being worked out; try again in a few"
                    + " seconds", Map.of());
        }
        try {
            Estimate estimate = rag.estimate(id, false);
            kept.put(id, new Kept(estimate, System.nanoTime()));
            return estimate;
        } finally {
            running.release();
        }
    }

    void forget(ProjectId id) {
        kept.remove(id);
    }
}

package dev.reporag.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.RepoRag;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.NotFoundException;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent status events. One poller reads each watched project's status once per interval,
 * whatever the number of listeners, and sends it only when it changed; jobs may run in other
 * processes, so polling the job repository is what sees every change.
 */
final class ProjectEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProjectEvents.class);
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(15).toNanos();

    private final RepoRag rag;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService poller;
    private final Map<ProjectId, Watch> watches = new ConcurrentHashMap<>();

    private static final class Watch {
        final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
        volatile String last;
        volatile long lastSent = System.nanoTime();
    }

    ProjectEvents(RepoRag rag, ObjectMapper mapper, Duration interval) {
        this.rag = rag;
        this.mapper = mapper;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rag-http-events");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends the current status at once, then every change until the client leaves. */
    void subscribe(ProjectId id, SseClient client) {
        String current = statusJson(id); // throws NotFoundException before the stream is kept
        client.keepAlive();
        client.onClose(() -> unsubscribe(id, client));
        watches.compute(id, (k, watch) -> {
            Watch w = watch;
            if (w == null) {
                w = new Watch();
                w.last = current;
            }
            w.clients.add(client);
            return w;
        });
        client.sendEvent("status", current);
    }

    private void unsubscribe(ProjectId id, SseClient client) {
        watches.computeIfPresent(id, (k, watch) -> {
            watch.clients.remove(client);
            return watch.clients.isEmpty() ? null : watch;
        });
    }

    int listeners() {
        return watches.values().stream().mapToInt(w -> w.clients.size()).sum();
    }

    private void pollAll() {
        for (Map.Entry<ProjectId, Watch> entry : watches.entrySet()) {
            try {
                poll(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                // A store outage must not kill the poller; listeners keep their last state.
                log.warn("could not read the status of project {}: {}", entry.getKey(), e.getMessage());
            }
        }
    }

    private void poll(ProjectId id, Watch watch) {
        watch.clients.removeIf(SseClient::terminated);
        String json;
        try {
            json = statusJson(id);
        } catch (NotFoundException gone) {
            for (SseClient client : watch.clients) {
                client.sendEvent("deleted", "{\"id\":\"" + id.value() + "\"}");
                client.close();
            }
            watches.remove(id);
            return;
        }
        long now = System.nanoTime();
        if (!json.equals(watch.last)) {
            watch.last = json;
            watch.lastSent = now;
            watch.clients.forEach(client -> client.sendEvent("status", json));
        } else if (now - watch.lastSent > HEARTBEAT_NANOS) {
            // A comment keeps proxies from closing a quiet stream and reveals clients that left.
            watch.lastSent = now;
            watch.clients.forEach(client -> client.sendComment("keep-alive"));
        }
    }

    private String statusJson(ProjectId id) {
        try {
            return mapper.writeValueAsString(JsonShapes.project(rag.status(id)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a project view is always serializable", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        watches.values().forEach(w -> w.clients.forEach(SseClient::close));
        watches.clear();
    }
}

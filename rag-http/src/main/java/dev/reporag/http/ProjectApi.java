package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.RepoRag;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.SkipReason;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.NotFoundException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The /api/projects handlers: each translates one request into one use case of {@link RepoRag}. */
final class ProjectApi {
    static final int DEFAULT_SKIPPED_PAGE = 1000;
    static final int MAX_SKIPPED_PAGE = 5000;
    private final RepoRag rag;
    private final ObjectMapper mapper;
    private final RequestFields requests;
    private final ProjectEvents events;
    private final AskRateLimiter askLimiter;
    private final ClientAddress clients;
    private final Estimates estimates;
    private final Duration answerKeepAlive;
    /** Sends the keep-alive comments of streamed answers; one daemon thread for the process. */
    private static final ScheduledExecutorService KEEP_ALIVE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rag-answer-keep-alive");
        thread.setDaemon(true);
        return thread;
    });

    ProjectApi(RepoRag rag, ObjectMapper mapper, ProjectEvents events, AskRateLimiter askLimiter,
               ClientAddress clients, Duration answerKeepAlive) {
        this.answerKeepAlive = answerKeepAlive;
        this.rag = rag;
        this.mapper = mapper;
        this.requests = new RequestFields(mapper);
        this.events = events;
        this.askLimiter = askLimiter;
        this.clients = clients;
        this.estimates = new Estimates(rag);
    }

    /** {@code GET …/estimate}: what indexing the project from scratch would take; nothing is embedded. */
    void estimate(Context ctx) {
        ctx.json(JsonShapes.estimate(estimates.of(id(ctx), ctx)));
    }

    void list(Context ctx) {
        ctx.json(rag.statuses().stream().map(JsonShapes::project).toList());
    }

    void create(Context ctx) {
        JsonNode body = requests.object(ctx);
        RepoRag.Registration registration = rag.registerOrFind(RequestFields.text(body, "name", false),
                RequestFields.text(body, "repoUrl", true), RequestFields.text(body, "ref", false),
                RequestFields.globs(body, "include"), RequestFields.globs(body, "exclude"));
        Project project = registration.project();
        if (registration.pathsChanged()) {
            estimates.forget(project.id());
        }
        ctx.status(registration.created() ? 201 : 200).header("Location", "/api/projects/" + project.id().value())
                .json(JsonShapes.project(rag.status(project.id())));
    }

    void get(Context ctx) {
        ctx.json(JsonShapes.project(rag.status(id(ctx))));
    }

    /** {@code GET …/skipped?reason=&offset=&limit=}: counts by rule and one page of the files left out. */
    void skipped(Context ctx) {
        ProjectId id = id(ctx);
        SkippedFiles skipped = rag.skippedFiles(id);
        Optional<SkipReason> reason = Optional.ofNullable(ctx.queryParam("reason")).map(ProjectApi::reason);
        int offset = number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = number(ctx, "limit", DEFAULT_SKIPPED_PAGE, 1, MAX_SKIPPED_PAGE);
        ctx.json(JsonShapes.skipped(id, skipped, reason, offset, limit));
    }

    private static SkipReason reason(String name) {
        try {
            return SkipReason.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("'reason' must be one of " + Arrays.toString(SkipReason.values()));
        }
    }

    private static int number(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new InvalidInputException("'" + name + "' must be a whole number from " + min + " to " + max);
    }

    void delete(Context ctx) {
        rag.delete(id(ctx));
        estimates.forget(id(ctx));
        ctx.status(204);
    }

    void ingest(Context ctx) {
        IngestionJob job = rag.requestIngestion(id(ctx));
        ctx.status(202).header("Location", "/api/projects/" + job.projectId().value())
                .json(JsonShapes.job(job, Instant.now()));
    }

    /**
     * Re-embeds the project with this service's embedding model (after a model change): 202 with the
     * job, which this service's workers run while the old index keeps answering where its model is
     * configured; 200 with a note when there is nothing to do.
     */
    void reembed(Context ctx) {
        RepoRag.Reembedding reembedding = rag.reembed(id(ctx));
        if (reembedding.job() == null) {
            ctx.status(200).json(Map.of("note", reembedding.note()));
            return;
        }
        ctx.status(202).header("Location", "/api/projects/" + reembedding.project().id().value())
                .json(JsonShapes.job(reembedding.job(), Instant.now()));
    }

    void retry(Context ctx) {
        IngestionJob job = rag.retry(id(ctx));
        ctx.status(202).header("Location", "/api/projects/" + job.projectId().value())
                .json(JsonShapes.job(job, Instant.now()));
    }

    /** Refuses a status stream of an unknown project, or a request that does not accept one. */
    void requireEventStream(Context ctx) {
        rag.status(id(ctx));
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new HttpResponseException(406, "this endpoint streams server-sent events; send"
                    + " 'Accept: text/event-stream' (as EventSource does)", Map.of());
        }
    }

    void events(SseClient client) {
        events.subscribe(id(client.ctx()), client);
    }

    void ask(Context ctx) {
        ProjectId id = id(ctx);
        JsonNode body = requests.object(ctx);
        limit(ctx);
        Answer answer = rag.ask(id, RequestFields.text(body, "question", true),
                RequestFields.text(body, "conversationId", false));
        ctx.json(JsonShapes.answer(answer));
    }

    /**
     * Streams the answer as server-sent events: {@code token} events as the text is written, then
     * {@code answer} with the citations. The stream starts with the first token, so a refusal (not
     * READY, bad question) still gets its plain status code and JSON error; or, when no token has
     * come within the keep-alive interval (a model thinking before it writes), with a comment, and
     * one more each interval without a byte, so that proxies keep the connection (a failure after
     * that is an {@code error} event, as one during the answer is).
     */
    void askStream(Context ctx) {
        ProjectId id = id(ctx);
        JsonNode body = requests.object(ctx);
        limit(ctx);
        EventWriter out = new EventWriter(ctx);
        long every = answerKeepAlive.toMillis();
        ScheduledFuture<?> keepAlive = KEEP_ALIVE.scheduleWithFixedDelay(out::keepAlive, every, every,
                TimeUnit.MILLISECONDS);
        try {
            Answer answer;
            try {
                answer = rag.askStreaming(id, RequestFields.text(body, "question", true),
                        RequestFields.text(body, "conversationId", false),
                        token -> out.send("token", Map.of("text", token)));
            } catch (RuntimeException e) {
                if (out.closeUnstarted()) {
                    throw e; // nothing was sent: a plain status and JSON error
                }
                out.send("error", new JsonShapes.ErrorView(ErrorMapping.publicMessage(e)));
                return;
            }
            out.send("answer", JsonShapes.answer(answer));
        } finally {
            keepAlive.cancel(false);
            out.close();
        }
    }

    private void limit(Context ctx) {
        long wait = askLimiter.acquire(clients.of(ctx));
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new HttpResponseException(429, "too many questions from this client; try again in " + wait
                    + " s", Map.of());
        }
    }

    static ProjectId id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return new ProjectId(raw);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no project with id " + (raw.length() > 64 ? raw.substring(0, 64) + "..." : raw));
        }
    }

    /**
     * Writes server-sent events straight to the response, committing it at the first event or
     * keep-alive; the handler's thread and the keep-alive thread take turns, and nothing is written
     * once the handler is done.
     */
    private final class EventWriter {
        private final Context ctx;
        private OutputStream stream;
        private boolean started;
        private boolean closed;
        private long lastWrite = System.nanoTime();

        EventWriter(Context ctx) {
            this.ctx = ctx;
        }

        /** Ends the stream before it started, so that no keep-alive starts it; false when it had. */
        synchronized boolean closeUnstarted() {
            if (started) {
                return false;
            }
            closed = true;
            return true;
        }

        synchronized void send(String event, Object data) {
            try {
                write("event: " + event + "\ndata: " + mapper.writeValueAsString(data) + "\n\n");
            } catch (IOException e) {
                throw new UncheckedIOException("the client closed the stream", e);
            }
        }

        /** A comment, when nothing was written for the keep-alive interval. */
        synchronized void keepAlive() {
            if (closed || System.nanoTime() - lastWrite < answerKeepAlive.toNanos() * 9 / 10) {
                return;
            }
            try {
                write(": waiting for the answer\n\n");
            } catch (IOException e) {
                closed = true; // the client left: the answer's next token says so to the handler
            }
        }

        synchronized void close() {
            closed = true;
        }

        private void write(String frame) throws IOException {
            if (!started) {
                started = true;
                ctx.status(200);
                ctx.res().setContentType("text/event-stream;charset=utf-8");
                ctx.res().setHeader("Cache-Control", "no-cache");
                ctx.res().setHeader("X-Accel-Buffering", "no");
                stream = ctx.res().getOutputStream();
            }
            stream.write(frame.getBytes(StandardCharsets.UTF_8));
            stream.flush();
            lastWrite = System.nanoTime();
        }
    }
}

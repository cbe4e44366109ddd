package dev.reporag.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.RepoRag;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseHandler;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the HTTP service over a {@link RepoRag}: the JSON API under /api, status and answer
 * streams as server-sent events, the web page at /, and /health, /ready and /metrics. Requests
 * only enqueue ingestion; the caller runs the workers ({@link RepoRag#newWorker}).
 *
 * <pre>{@code
 * HttpSettings settings = HttpSettings.builder().adminToken(adminToken).corsOrigins(origins).build();
 * Javalin app = RagHttpServer.create(rag, settings, registry);
 * app.start(8080);
 * }</pre>
 */
public final class RagHttpServer {
    private static final Logger log = LoggerFactory.getLogger(RagHttpServer.class);
    private static final String PROJECT = "/api/projects/{id}";

    private RagHttpServer() {
    }

    /**
     * Returns the configured, not yet started app. The registry is shared: meters the caller adds
     * (e.g. the embedding adapter's) are rendered by /metrics as well.
     */
    public static Javalin create(RepoRag rag, HttpSettings settings, PrometheusMeterRegistry registry) {
        Objects.requireNonNull(rag, "rag");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        ObjectMapper mapper = JavalinJackson.defaultMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        ClientAddress clients = new ClientAddress(settings.trustForwardedFor());
        AdminGuard admin = new AdminGuard(settings.adminToken(), clients);
        ProjectEvents events = new ProjectEvents(rag, mapper, settings.ssePollInterval());
        HttpMetrics metrics = new HttpMetrics(rag, registry, Instant.now());
        ProjectApi api = new ProjectApi(rag, mapper, events,
                new AskRateLimiter(settings.askPerMinute(), System::nanoTime), clients, settings.answerKeepAlive());
        Webhooks webhooks = new Webhooks(rag, mapper, settings.webhookSecret(), settings.webhookMaxBytes());
        return Javalin.create(cfg -> configure(cfg, rag, settings, mapper, admin, events, metrics, api, webhooks));
    }

    /**
     * Creates the app and starts it on {@code port} (0 picks a free one), for callers that need no
     * Javalin type: close the handle to stop it.
     */
    public static RunningServer start(RepoRag rag, HttpSettings settings, PrometheusMeterRegistry registry,
                                      String host, int port) {
        Javalin app = create(rag, settings, registry);
        app.start(host, port);
        return new RunningServer(app);
    }

    private static void configure(JavalinConfig cfg, RepoRag rag, HttpSettings settings, ObjectMapper mapper,
                                  AdminGuard admin, ProjectEvents events, HttpMetrics metrics, ProjectApi api,
                                  Webhooks webhooks) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jsonMapper(new JavalinJackson(mapper, false));
        cfg.http.maxRequestSize = settings.maxBodyBytes();
        cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
        cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
        cfg.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/reporag-web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-cache");
        });
        if (!settings.corsOrigins().isEmpty()) {
            cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                settings.corsOrigins().forEach(origin -> rule.allowHost(origin));
                rule.exposeHeader("Retry-After");
                rule.exposeHeader("Location");
            }));
        }
        cfg.requestLogger.http(metrics::request);
        cfg.events.serverStopping(events::close);

        CrossSiteGuard crossSite = new CrossSiteGuard(settings.corsOrigins(), settings.trustForwardedFor());
        var r = cfg.routes;
        r.before(ctx -> {
            securityHeaders(ctx);
            // Webhooks authenticate every delivery themselves (signature or token), are sent by servers,
            // not browsers, in GitHub's form encoding too, and read their raw body up to their own limit.
            if (Webhooks.isWebhook(ctx.path())) {
                return;
            }
            crossSite.check(ctx);
            rejectLargeBody(ctx, settings.maxBodyBytes());
        });

        // The process only: never the database, so a database outage does not make a platform restart
        // a healthy process (that is /ready's question).
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        // Browsers and tools that ask for the classic icon get the page's own.
        r.get("/favicon.ico", ctx -> ctx.redirect("/favicon.svg", HttpStatus.MOVED_PERMANENTLY));
        r.get("/ready", ctx -> ready(ctx, rag));
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        r.get("/api/info", ctx -> ctx.json(Map.of("chatModel", rag.hasChatModel(),
                "adminTokenRequired", settings.hasAdminToken())));

        r.get("/api/projects", api::list);
        r.post("/api/projects", admin.guard(api::create));
        r.get(PROJECT, api::get);
        r.get(PROJECT + "/skipped", api::skipped);
        r.get(PROJECT + "/estimate", api::estimate);
        r.delete(PROJECT, admin.guard(api::delete));
        r.post(PROJECT + "/ingest", admin.guard(api::ingest));
        r.post(PROJECT + "/retry", admin.guard(api::retry));
        r.post(PROJECT + "/reembed", admin.guard(api::reembed));
        SseHandler statusStream = new SseHandler(api::events);
        r.get(PROJECT + "/events", ctx -> {
            // SseHandler commits a 200 at once, so refusals are answered before it runs.
            api.requireEventStream(ctx);
            statusStream.handle(ctx);
        });
        r.post(PROJECT + "/ask", api::ask);
        r.post(PROJECT + "/ask/stream", api::askStream);

        // Authenticated by the Git host's signature or token (RAG_WEBHOOK_SECRET), not the admin token.
        r.post(Webhooks.GITHUB, webhooks::github);
        r.post(Webhooks.GITLAB, webhooks::gitlab);
        r.post(Webhooks.BITBUCKET, webhooks::bitbucket);

        ErrorMapping.register(r, settings.maxBodyBytes());
    }

    private static void ready(Context ctx, RepoRag rag) {
        try {
            rag.statuses();
        } catch (RuntimeException e) {
            log.warn("not ready: the job repository is not reachable: {}", e.getMessage());
            ctx.header("Retry-After", "5");
            ErrorMapping.reply(ctx, 503, "not ready: the job store is not reachable");
            return;
        }
        ctx.json(Map.of("status", "ready"));
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    }

    private static void rejectLargeBody(Context ctx, long max) {
        // Refused before anything reads the body; Javalin also caps bodies without a length.
        if (ctx.req().getContentLengthLong() > max) {
            throw new ContentTooLargeResponse();
        }
    }
}

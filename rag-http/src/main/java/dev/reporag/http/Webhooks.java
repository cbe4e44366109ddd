package dev.reporag.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reporag.core.RepoRag;
import dev.reporag.core.sync.PushEvent;
import dev.reporag.core.sync.Refresh;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/webhooks/github}, {@code /api/webhooks/gitlab} and {@code /api/webhooks/bitbucket}:
 * push events from the Git hosts. They carry their own authentication (GitHub's and Bitbucket's HMAC
 * signature of the raw body, GitLab's token, all with {@code RAG_WEBHOOK_SECRET}) instead of the
 * admin token, and are answered at once:
 * a push to a registered project's ref queues a re-index ({@link RepoRag#push}), and the answer is
 * the same 202 whether or not a project matched, so the route tells nothing about what is registered.
 */
final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    static final String GITHUB = "/api/webhooks/github";
    static final String GITLAB = "/api/webhooks/gitlab";
    static final String BITBUCKET = "/api/webhooks/bitbucket";
    private static final Map<String, String> ACCEPTED = Map.of("status", "accepted");

    private final RepoRag rag;
    private final ObjectMapper mapper;
    private final WebhookSecret secret;
    private final long maxBytes;

    Webhooks(RepoRag rag, ObjectMapper mapper, String secret, long maxBytes) {
        this.rag = rag;
        this.mapper = mapper;
        this.secret = secret == null ? null : new WebhookSecret(secret);
        this.maxBytes = maxBytes;
    }

    static boolean isWebhook(String path) {
        return path.equals(GITHUB) || path.equals(GITLAB) || path.equals(BITBUCKET);
    }

    void github(Context ctx) {
        requireEnabled();
        byte[] body = read(ctx);
        // Gitea, Forgejo (Codeberg) and Gogs send GitHub's push payload; older releases sign it only in
        // X-Gitea-Signature / X-Gogs-Signature (the same HMAC, hex without "sha256=") and name the event
        // in X-Gitea-Event / X-Gogs-Event.
        String signature = firstHeader(ctx, "X-Hub-Signature-256", "X-Gitea-Signature", "X-Gogs-Signature");
        if (signature != null && !signature.startsWith("sha256=")) {
            signature = "sha256=" + signature;
        }
        if (!secret.validGitHubSignature(body, signature)) {
            throw unauthorized("the X-Hub-Signature-256 header does not sign this body with the webhook secret;"
                    + " the webhook's secret on GitHub must be RAG_WEBHOOK_SECRET");
        }
        String event = firstHeader(ctx, "X-GitHub-Event", "X-Gitea-Event", "X-Gogs-Event");
        if ("ping".equals(event)) {
            ctx.status(200).json(Map.of("status", "pong"));
            return;
        }
        if (!"push".equals(event)) {
            ctx.status(204);
            return;
        }
        JsonNode json = parse(gitHubPayload(ctx, body));
        JsonNode repository = json.path("repository");
        List<String> urls = texts(repository, "clone_url", "html_url", "ssh_url", "git_url", "url");
        accept(ctx, "github", new PushEvent(urls, text(json, "ref"), text(json, "after"),
                text(repository, "default_branch")));
    }

    void gitlab(Context ctx) {
        requireEnabled();
        byte[] body = read(ctx);
        if (!secret.validGitLabToken(ctx.header("X-Gitlab-Token"))) {
            throw unauthorized("the X-Gitlab-Token header is not the webhook secret; the webhook's secret token"
                    + " on GitLab must be RAG_WEBHOOK_SECRET");
        }
        String event = ctx.header("X-Gitlab-Event");
        boolean projectPush = "Push Hook".equals(event) || "Tag Push Hook".equals(event);
        if (!projectPush && !"System Hook".equals(event)) {
            ctx.status(204);
            return;
        }
        JsonNode json = parse(body);
        // An instance's system hook (one hook for every project of a self-managed GitLab) sends pushes in
        // the project hook's form, told apart from its other events only by event_name.
        String kind = text(json, "event_name");
        if (!projectPush && !"push".equals(kind) && !"tag_push".equals(kind)) {
            ctx.status(204);
            return;
        }
        JsonNode project = json.path("project");
        JsonNode repository = json.path("repository");
        List<String> urls = new ArrayList<>(texts(project, "git_http_url", "git_ssh_url", "web_url", "http_url",
                "ssh_url"));
        urls.addAll(texts(repository, "git_http_url", "git_ssh_url", "homepage", "url"));
        String after = text(json, "after");
        accept(ctx, "gitlab", new PushEvent(urls, text(json, "ref"), after != null ? after : text(json, "checkout_sha"),
                text(project, "default_branch")));
    }

    /**
     * Bitbucket Cloud ({@code repo:push}: {@code push.changes[].new}, one per ref pushed) and
     * Bitbucket Data Center ({@code repo:refs_changed}: {@code changes[]}), both signing the raw body
     * in {@code X-Hub-Signature} as GitHub does; Data Center's "Test connection" is
     * {@code diagnostics:ping}.
     */
    void bitbucket(Context ctx) {
        requireEnabled();
        byte[] body = read(ctx);
        if (!secret.validGitHubSignature(body, firstHeader(ctx, "X-Hub-Signature"))) {
            throw unauthorized("the X-Hub-Signature header does not sign this body with the webhook secret; the"
                    + " webhook's secret on Bitbucket must be RAG_WEBHOOK_SECRET");
        }
        String event = ctx.header("X-Event-Key");
        if ("diagnostics:ping".equals(event)) {
            ctx.status(200).json(Map.of("status", "pong"));
            return;
        }
        if (!"repo:push".equals(event) && !"repo:refs_changed".equals(event)) {
            ctx.status(204);
            return;
        }
        JsonNode json = parse(body);
        JsonNode links = json.path("repository").path("links");
        List<String> urls = new ArrayList<>(texts(links.path("html"), "href"));
        links.path("clone").forEach(clone -> urls.addAll(texts(clone, "href")));
        links.path("self").forEach(self -> urls.addAll(texts(self, "href")));
        List<PushEvent> pushes = new ArrayList<>();
        json.path("push").path("changes").forEach(change -> {
            JsonNode pushed = change.path("new");
            String name = text(pushed, "name");
            if (name != null) {
                String prefix = "tag".equals(text(pushed, "type")) ? "refs/tags/" : "refs/heads/";
                pushes.add(new PushEvent(urls, prefix + name, text(pushed.path("target"), "hash"), null));
            }
        });
        json.path("changes").forEach(change -> {
            String ref = text(change, "refId");
            pushes.add(new PushEvent(urls, ref != null ? ref : text(change.path("ref"), "id"), text(change, "toHash"),
                    null));
        });
        accept(ctx, "bitbucket", pushes);
    }

    private void accept(Context ctx, String host, PushEvent event) {
        accept(ctx, host, List.of(event));
    }

    private void accept(Context ctx, String host, List<PushEvent> events) {
        for (PushEvent event : events) {
            List<Refresh> done = rag.push(event);
            for (Refresh refresh : done) {
                log.info("{} webhook: {}", host, refresh.describe());
            }
            if (done.isEmpty()) {
                log.debug("{} webhook: a push to {} of a repository no project tracks", host, event.ref());
            }
        }
        ctx.status(202).json(ACCEPTED);
    }

    private void requireEnabled() {
        if (secret == null) {
            throw new HttpResponseException(404, "webhooks are off: set RAG_WEBHOOK_SECRET on the server, and the"
                    + " same secret on the webhook (see docs/operations.md#webhooks)", Map.of());
        }
    }

    /** The raw body, which the signature covers, read up to the limit. */
    private byte[] read(Context ctx) {
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new HttpResponseException(400, "the webhook body could not be read", Map.of());
        }
    }

    /** The first of these headers that is present and not blank, stripped; null when none is. */
    private static String firstHeader(Context ctx, String... names) {
        for (String name : names) {
            String value = ctx.header(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    /**
     * GitHub sends the JSON as the body ({@code application/json}) or, with its default content
     * type, as the form field {@code payload} ({@code application/x-www-form-urlencoded}); the
     * signature covers the raw body either way.
     */
    private static byte[] gitHubPayload(Context ctx, byte[] body) {
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return body;
        }
        for (String field : new String(body, java.nio.charset.StandardCharsets.US_ASCII).split("&")) {
            if (field.startsWith("payload=")) {
                try {
                    return java.net.URLDecoder.decode(field.substring("payload=".length()),
                            java.nio.charset.StandardCharsets.UTF_8).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    break;
                }
            }
        }
        throw new HttpResponseException(400, "the webhook form has no JSON 'payload' field", Map.of());
    }

    private HttpResponseException tooLarge() {
        return new HttpResponseException(413, "the webhook body is larger than " + maxBytes
                + " bytes (RAG_WEBHOOK_MAX_BYTES)", Map.of());
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException();
            }
            return json;
        } catch (IOException | IllegalArgumentException e) {
            throw new HttpResponseException(400, "the webhook body is not a JSON object", Map.of());
        }
    }

    private static HttpResponseException unauthorized(String message) {
        return new HttpResponseException(401, message, Map.of());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static List<String> texts(JsonNode node, String... fields) {
        List<String> found = new ArrayList<>();
        for (String field : fields) {
            String value = text(node, field);
            if (value != null) {
                found.add(value);
            }
        }
        return found;
    }
}

package dev.reporag.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal OpenAI-compatible {@code POST /v1/embeddings} on a loopback port, for the benchmark:
 * deterministic vectors (base64 or JSON floats, {@code dimensions} honoured), a tokens-per-minute
 * bucket that answers 429 with {@code retry-after-ms} when overdrawn, and counters. Tokens are
 * estimated as characters / 4, so a client that counts with cl100k (more tokens for code) is
 * never refused while it keeps to the same TPM.
 */
final class FakeEmbeddingServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final long tokensPerMinute;
    private double level;
    private long refilledAt = System.nanoTime();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong inputs = new AtomicLong();
    final AtomicLong tokens = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    FakeEmbeddingServer(long tokensPerMinute) throws IOException {
        this.tokensPerMinute = tokensPerMinute;
        this.level = tokensPerMinute;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            JsonNode input = body.path("input");
            int n = input.isArray() ? input.size() : 1;
            long cost = 0;
            for (int i = 0; i < n; i++) {
                cost += Math.max(1, (input.isArray() ? input.get(i) : input).asText().length() / 4);
            }
            requests.incrementAndGet();
            long waitMillis = take(cost);
            if (waitMillis > 0) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("retry-after-ms", Long.toString(waitMillis));
                send(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached on tokens per min (TPM): Limit "
                        + tokensPerMinute + ". Please try again in " + waitMillis
                        + "ms.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}");
                return;
            }
            inputs.addAndGet(n);
            tokens.addAndGet(cost);
            int dims = body.path("dimensions").asInt(1536);
            boolean base64 = "base64".equals(body.path("encoding_format").asText());
            ObjectNode response = JSON.createObjectNode().put("object", "list");
            ArrayNode data = response.putArray("data");
            for (int i = 0; i < n; i++) {
                float[] vector = vectorOf((input.isArray() ? input.get(i) : input).asText(), dims);
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                if (base64) {
                    ByteBuffer bytes = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (float f : vector) {
                        bytes.putFloat(f);
                    }
                    item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
                } else {
                    ArrayNode values = item.putArray("embedding");
                    for (float f : vector) {
                        values.add(f);
                    }
                }
            }
            response.put("model", body.path("model").asText());
            response.putObject("usage").put("prompt_tokens", cost).put("total_tokens", cost);
            send(exchange, 200, JSON.writeValueAsString(response));
        }
    }

    /** Takes {@code cost} tokens from the bucket, or returns how long until they would be there. */
    private synchronized long take(long cost) {
        long now = System.nanoTime();
        level = Math.min(tokensPerMinute, level + (now - refilledAt) / 60e9 * tokensPerMinute);
        refilledAt = now;
        if (level >= cost || level >= tokensPerMinute) {
            level -= cost;
            return 0;
        }
        return (long) Math.ceil((cost - level) / tokensPerMinute * 60_000);
    }

    private static float[] vectorOf(String text, int dims) {
        float[] v = new float[dims];
        int h = text.hashCode();
        for (int i = 0; i < dims; i++) {
            h = h * 1_103_515_245 + 12_345;
            v[i] = (h >>> 8) / (float) (1 << 24) - 0.5f;
        }
        return v;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible embeddings endpoint in the benchmark's JVM: vectors seeded by the text, after
 * a fixed latency, every input counted and, if asked, kept (one JSON string a line) for counting
 * its tokens with another tokenizer afterwards.
 *
 * <p>Or ({@link #computeBound}) a server unlike that one, as a self-hosted model on one CPU or GPU is:
 * it embeds one request at a time, the others waiting in line, each taking a time that grows with
 * the characters it reads.
 */
final class FakeEmbeddingsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final AtomicLong inputs = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    /** Inputs by the model the request named. */
    final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> inputsByModel = new java.util.concurrent.ConcurrentHashMap<>();
    private final long latencyMillis;
    /** For a compute-bound server, its time per 1,000 characters (0: a fixed latency instead). */
    private final double millisPerThousandChars;
    private final Semaphore oneAtATime = new Semaphore(1, true);
    private final HttpServer http;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final BufferedWriter inputLog;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param inputLog where every input received is appended, or null */
    FakeEmbeddingsServer(long latencyMillis, Path inputLog) throws IOException {
        this(latencyMillis, 0, inputLog);
    }

    /** A server that embeds one request at a time, in {@code millisPerThousandChars} per 1,000 characters read. */
    static FakeEmbeddingsServer computeBound(double millisPerThousandChars) throws IOException {
        if (!(millisPerThousandChars > 0)) {
            throw new IllegalArgumentException("a compute-bound server takes some time per character");
        }
        return new FakeEmbeddingsServer(0, millisPerThousandChars, null);
    }

    private FakeEmbeddingsServer(long latencyMillis, double millisPerThousandChars, Path inputLog) throws IOException {
        this.latencyMillis = latencyMillis;
        this.millisPerThousandChars = millisPerThousandChars;
        this.inputLog = inputLog == null ? null : Files.newBufferedWriter(inputLog, StandardCharsets.UTF_8);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        http.setExecutor(executor);
        http.createContext("/v1/embeddings", this::embeddings);
        http.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            List<String> texts = new ArrayList<>();
            JsonNode input = body.path("input");
            if (input.isArray()) {
                input.forEach(node -> texts.add(node.asText()));
            } else {
                texts.add(input.asText());
            }
            log(texts);
            try {
                if (millisPerThousandChars > 0) {
                    long chars = texts.stream().mapToLong(String::length).sum();
                    oneAtATime.acquire();
                    try {
                        Thread.sleep(Math.round(chars * millisPerThousandChars / 1000));
                    } finally {
                        oneAtATime.release();
                    }
                } else {
                    Thread.sleep(latencyMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int dimensions = body.path("dimensions").asInt(1536);
            boolean base64 = "base64".equals(body.path("encoding_format").asText());
            ObjectNode response = JSON.createObjectNode().put("object", "list");
            ArrayNode data = response.putArray("data");
            long tokens = 0;
            for (int i = 0; i < texts.size(); i++) {
                tokens += Math.max(1, texts.get(i).length() / 4);
                float[] vector = vectorOf(texts.get(i), dimensions);
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                if (base64) {
                    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
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
            response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            inputs.addAndGet(texts.size());
            inputsByModel.computeIfAbsent(body.path("model").asText(), m -> new AtomicLong()).addAndGet(texts.size());
            requests.incrementAndGet();
            byte[] bytes = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private void log(List<String> texts) {
        if (inputLog == null) {
            return;
        }
        synchronized (inputLog) {
            try {
                for (String text : texts) {
                    inputLog.write(JSON.writeValueAsString(text));
                    inputLog.newLine();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static float[] vectorOf(String text, int dimensions) {
        Random random = new Random(text.hashCode());
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < dimensions; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    @Override
    public void close() throws IOException {
        if (closed.getAndSet(true)) {
            return;
        }
        http.stop(0);
        executor.shutdownNow();
        if (inputLog != null) {
            synchronized (inputLog) {
                inputLog.close();
            }
        }
    }
}

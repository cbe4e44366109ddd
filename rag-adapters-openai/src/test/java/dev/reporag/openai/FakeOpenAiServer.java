package dev.reporag.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible server on a local port for tests and benchmarks: {@code /v1/embeddings}
 * with vectors derived from each input's text, {@code /v1/chat/completions} plain and streamed,
 * OpenAI's per-request limits (400s), RPM/TPM token buckets answering 429 with OpenAI's headers
 * and error body, injected faults, and a log of every request. The token bucket meters requests as
 * OpenAI's rate limiter does (from characters) or with the tokenizer ({@link Metering}); usage is
 * always the tokenizer's count.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    public static final String KEY = "sk-test-SECRET-key-0123456789";

    /** What a request can be made to suffer. */
    public enum Fault {
        /** 500 with an OpenAI error body. */
        SERVER_ERROR,
        /** 503 overloaded. */
        OVERLOADED,
        /** No answer for {@link #hangMillis}, then the connection closes. */
        HANG,
        /** The connection closes without a response. */
        RESET,
        /** 200 with a body that is not JSON. */
        MALFORMED,
        /** 429 with retry-after-ms of {@link #forcedRetryAfterMillis}. */
        RATE_LIMIT,
        /** 200 with a body of {@link #hugeBytes} that never becomes valid JSON. */
        HUGE,
        /** Chat streams: only ": keep-alive" comments, every 50 ms, until the client goes away. */
        KEEP_ALIVE,
        /** Chat streams: a token every 20 ms, until the client goes away. */
        ENDLESS_TOKENS
    }

    /** How the token bucket counts a request's tokens. */
    public enum Metering {
        /** cl100k_base, the tokenizer of OpenAI's embedding models. */
        CL100K,
        /** ceil(characters / 4) per input, as OpenAI's rate limiter estimates. */
        CHARS_4
    }

    /**
     * One embeddings request as the server saw it.
     *
     * @param tokens  the tokenizer's count (what usage reports)
     * @param metered what the rate limiter counted
     */
    public record Logged(long atNanos, int inputs, long tokens, int status, int maxInputTokens, long metered) {
    }

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Logged> log = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> chatRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Fault> scripted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violations = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public volatile long latencyMillis;
    public volatile long hangMillis = 3_000;
    public volatile long forcedRetryAfterMillis = 300;
    public volatile long hugeBytes = 200L << 20;
    public volatile Metering metering = Metering.CL100K;
    public volatile int dimension = 1536;
    public volatile boolean sendLimitHeaders = true;
    /** Lists a response's vectors last input first, each with its {@code index} (the API does not promise order). */
    public volatile boolean reverseData;
    /** Answers with arrays of numbers whatever {@code encoding_format} asked (as Ollama does). */
    public volatile boolean floatsOnly;
    /**
     * Inputs the model turns into NaN (fp16 overflow, as Ollama's bge-m3 on some GPUs): their vector
     * is NaN, and a request asking for numbers is answered 500 "json: unsupported value: NaN".
     */
    public volatile java.util.function.Predicate<String> nanFor = text -> false;
    /** Answers 400 to {@code encoding_format: base64}, as some gateways do. */
    public volatile boolean refuseBase64;
    /** Answers 400 to every embeddings request, whatever it asks (an input the server will not take). */
    public volatile boolean refuseAll;
    /** Answers 422 to a chat request holding {@code stream_options}, as Mistral's API does. */
    public volatile boolean refuseStreamOptions;
    /** Answers 422 to every chat request. */
    public volatile boolean refuseChat;
    /** How error bodies are written. */
    public volatile ErrorStyle errorStyle = ErrorStyle.OPENAI;

    /** How OpenAI-compatible servers write an error's body. */
    public enum ErrorStyle {
        /** {@code {"error": {"message": …, "type": …, "param": null, "code": …}}} */
        OPENAI,
        /** {@code {"object": "error", "message": …, "type": …, "param": null, "code": 400}} */
        VLLM,
        /** {@code {"error": "…", "error_type": "Validation"}} (text-embeddings-inference) */
        TEI,
        /** {@code {"detail": [{"type": …, "msg": …}]}} (FastAPI's validation errors) */
        FASTAPI
    }

    /** How chat streams are written, as servers other than OpenAI's write them. */
    public volatile StreamStyle streamStyle = StreamStyle.OPENAI;

    /** Ways OpenAI-compatible servers write a chat stream. */
    public enum StreamStyle {
        /** {@code data: {…}\n\n} chunks, a last one with the finish reason, then {@code data: [DONE]}. */
        OPENAI,
        /** The same, then a usage chunk with no choices before {@code [DONE]} (stream_options.include_usage, vLLM). */
        USAGE_CHUNK,
        /** No {@code [DONE]}: the stream ends with the connection. */
        NO_DONE,
        /** Lines ended by CRLF (some proxies and non-Python servers). */
        CRLF,
        /** {@code data:} without the space, and comments between events. */
        TERSE,
        /** Reasoning first: chunks with {@code reasoning_content} and no content (DeepSeek, Qwen via vLLM). */
        REASONING,
        /** Reasoning first, in the content between {@code <think>} tags (Ollama, llama.cpp, LM Studio, MiniMax). */
        THINK_TAGS
    }
    /** Extra headers on every chat answer (e.g. Groq's x-ratelimit-* ones). */
    public volatile java.util.Map<String, String> chatHeaders = java.util.Map.of();
    public volatile Function<String, String> chatReply = question -> "The parser lives in Parser.java [1].";
    private volatile double faultRate;
    private volatile Fault[] randomFaults = new Fault[0];
    private final Random faultRandom = new Random(42);
    private volatile Bucket requestBucket;
    private volatile Bucket tokenBucket;

    private FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-openai");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    public static FakeOpenAiServer start() {
        try {
            return new FakeOpenAiServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** RPM/TPM budgets (0: unlimited) as token buckets holding a minute, starting full, like OpenAI's. */
    public FakeOpenAiServer limits(long requestsPerMinute, long tokensPerMinute) {
        return limits(requestsPerMinute, tokensPerMinute, 60);
    }

    /**
     * RPM/TPM budgets whose buckets hold only {@code burstSeconds} of refill (OpenAI says it may
     * enforce a minute's limit over shorter periods): a client that bursts is caught at once.
     */
    public FakeOpenAiServer limits(long requestsPerMinute, long tokensPerMinute, double burstSeconds) {
        requestBucket = requestsPerMinute > 0 ? new Bucket(requestsPerMinute, burstSeconds) : null;
        tokenBucket = tokensPerMinute > 0 ? new Bucket(tokensPerMinute, burstSeconds) : null;
        return this;
    }

    /** The most embeddings requests that were being served at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The next requests, one fault each, in order. */
    public FakeOpenAiServer failNext(Fault... faults) {
        scripted.addAll(List.of(faults));
        return this;
    }

    /** Each request, with probability {@code rate}, suffers one of {@code faults} (seeded). */
    public FakeOpenAiServer randomFaults(double rate, Fault... faults) {
        this.randomFaults = faults;
        this.faultRate = rate;
        return this;
    }

    public List<Logged> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public void clearLog() {
        log.clear();
    }

    /** Requests that broke OpenAI's per-request limits (answered 400). */
    public int violations() {
        return violations.get();
    }

    public List<JsonNode> chatRequests() {
        synchronized (chatRequests) {
            return List.copyOf(chatRequests);
        }
    }

    public List<String> authorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    /** The vector this server gives {@code text} at {@code dimensions}: unit length, seeded by the text. */
    public static float[] vectorOf(String text, int dimensions) {
        SplittableRandom random = new SplittableRandom(seed(text));
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            v[i] *= scale;
        }
        return v;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            serveEmbeddings(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void serveEmbeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            long at = System.nanoTime();
            // Read the whole request first: answering before it is in resets the client's send.
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            // Logged before the answer is sent: a client that has its 401 finds it in the log.
            if (!authorized(exchange, () -> log.add(new Logged(at, 0, 0, 401, 0, 0)))) {
                return;
            }
            List<String> inputs = new ArrayList<>();
            JsonNode input = body.path("input");
            if (input.isArray()) {
                input.forEach(node -> inputs.add(node.asText()));
            } else {
                inputs.add(input.asText());
            }
            long tokens = 0;
            long metered = 0;
            int longest = 0;
            for (String text : inputs) {
                int n = CL100K.countTokens(text);
                tokens += n;
                longest = Math.max(longest, n);
                metered += metering == Metering.CL100K ? n : Math.max(1, (text.length() + 3) / 4);
            }
            String invalid = inputs.size() > 2048 ? "'$.input' is invalid: at most 2048 inputs are allowed"
                    : longest > 8192 ? "This model's maximum context length is 8192 tokens, however you requested "
                    + longest + " tokens in your input. Please reduce your input."
                    : tokens > 300_000 ? "Requested " + tokens + " tokens, max 300000 tokens per request" : null;
            if (invalid == null && refuseBase64 && "base64".equals(body.path("encoding_format").asText())) {
                log.add(new Logged(at, inputs.size(), tokens, 400, longest, metered));
                error(exchange, 400, "An error occurred while reading the response body for the openai provider",
                        "invalid_request_error", null);
                return;
            }
            if (invalid == null && refuseAll) {
                log.add(new Logged(at, inputs.size(), tokens, 400, longest, metered));
                error(exchange, 400, "'$.input' is invalid. Please check the API reference", "invalid_request_error",
                        null);
                return;
            }
            if (invalid != null) {
                violations.incrementAndGet();
                log.add(new Logged(at, inputs.size(), tokens, 400, longest, metered));
                error(exchange, 400, invalid, "invalid_request_error", null);
                return;
            }
            Fault fault = nextFault();
            if (fault != null) {
                log.add(new Logged(at, inputs.size(), tokens, statusOf(fault), longest, metered));
                if (suffer(exchange, fault)) {
                    return;
                }
            }
            String limited = takeBudget(exchange, metered);
            if (limited != null) {
                log.add(new Logged(at, inputs.size(), tokens, 429, longest, metered));
                error(exchange, 429, limited, "tokens", "rate_limit_exceeded");
                return;
            }
            sleep(latencyMillis);
            int dims = body.path("dimensions").asInt(dimension);
            boolean base64 = !floatsOnly && "base64".equals(body.path("encoding_format").asText());
            if (!base64 && inputs.stream().anyMatch(nanFor)) {
                log.add(new Logged(at, inputs.size(), tokens, 500, longest, metered));
                send(exchange, 500, "{\"error\":{\"message\":\"failed to encode response: json: unsupported value: NaN\","
                        .concat("\"type\":\"api_error\",\"param\":null,\"code\":null}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("object", "list");
            ArrayNode data = response.putArray("data");
            for (int n = 0; n < inputs.size(); n++) {
                int i = reverseData ? inputs.size() - 1 - n : n;
                ObjectNode item = data.addObject();
                item.put("object", "embedding");
                item.put("index", i);
                float[] vector = vectorOf(inputs.get(i), dims);
                if (nanFor.test(inputs.get(i))) {
                    java.util.Arrays.fill(vector, Float.NaN);
                }
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
            log.add(new Logged(at, inputs.size(), tokens, 200, longest, metered));
            send(exchange, 200, JSON.writeValueAsBytes(response));
        }
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            if (!authorized(exchange, () -> { })) {
                return;
            }
            chatRequests.add(body);
            chatHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            Fault fault = scripted.poll();
            if (fault != null && suffer(exchange, fault)) {
                return;
            }
            if (refuseChat) {
                send(exchange, 422, "{\"error\":{\"message\":\"this model cannot chat\",\"type\":\"invalid_request_error\"}}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (refuseStreamOptions && body.has("stream_options")) {
                send(exchange, 422, ("{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\","
                        + "\"loc\":[\"body\",\"stream_options\",\"include_usage\"],\"msg\":\"Extra inputs are not"
                        + " permitted\",\"input\":true}]},\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode messages = body.path("messages");
            String question = messages.isArray() && messages.size() > 0
                    ? messages.get(messages.size() - 1).path("content").asText() : "";
            String reply = chatReply.apply(question);
            String model = body.path("model").asText();
            if (!body.path("stream").asBoolean(false)) {
                ObjectNode response = JSON.createObjectNode();
                response.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 0).put("model", model);
                ObjectNode choice = response.putArray("choices").addObject();
                choice.put("index", 0).put("finish_reason", "stop");
                choice.putObject("message").put("role", "assistant").put("content",
                        (streamStyle == StreamStyle.THINK_TAGS ? "<think>\nThe user asks about the parser.\n</think>\n\n"
                                : "") + reply);
                response.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5)
                        .put("total_tokens", 15);
                send(exchange, 200, JSON.writeValueAsBytes(response));
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            if (fault == Fault.KEEP_ALIVE || fault == Fault.ENDLESS_TOKENS) {
                streamForever(out, model, fault);
                return;
            }
            StreamStyle style = streamStyle;
            if (style == StreamStyle.REASONING) {
                for (String thought : List.of("The user asks ", "about the parser.")) {
                    ObjectNode chunk = chunk(model);
                    ObjectNode choice = chunk.putArray("choices").addObject();
                    choice.put("index", 0).putNull("finish_reason");
                    choice.putObject("delta").putNull("content").put("reasoning_content", thought);
                    event(out, style, chunk);
                }
            }
            if (style == StreamStyle.THINK_TAGS) {
                for (String thought : List.of("<thi", "nk>\nThe user asks ", "about the parser.\n</th", "ink>\n\n")) {
                    ObjectNode chunk = chunk(model);
                    ObjectNode choice = chunk.putArray("choices").addObject();
                    choice.put("index", 0).putNull("finish_reason");
                    choice.putObject("delta").put("content", thought);
                    event(out, style, chunk);
                }
            }
            for (String token : reply.split("(?<= )")) {
                ObjectNode chunk = chunk(model);
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", 0).putNull("finish_reason");
                choice.putObject("delta").put("content", token);
                event(out, style, chunk);
                sleep(5);
            }
            ObjectNode last = chunk(model);
            ObjectNode choice = last.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("delta");
            event(out, style, last);
            if (style == StreamStyle.USAGE_CHUNK) {
                ObjectNode usage = chunk(model);
                usage.putArray("choices");
                usage.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
                event(out, style, usage);
            }
            if (style != StreamStyle.NO_DONE) {
                String end = style == StreamStyle.CRLF ? "\r\n\r\n" : "\n\n";
                out.write(((style == StreamStyle.TERSE ? "data:" : "data: ") + "[DONE]" + end)
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }

    private static ObjectNode chunk(String model) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 0).put("model", model);
        return chunk;
    }

    private static void event(OutputStream out, StreamStyle style, ObjectNode chunk) throws IOException {
        String json = JSON.writeValueAsString(chunk);
        String event = switch (style) {
            case CRLF -> "data: " + json + "\r\n\r\n";
            case TERSE -> ": comment\n" + "data:" + json + "\n\n";
            default -> "data: " + json + "\n\n";
        };
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Keep-alive comments or tokens until the client hangs up (a write fails) or the server stops. */
    private static void streamForever(OutputStream out, String model, Fault fault) {
        try {
            for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
                if (fault == Fault.KEEP_ALIVE) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    ObjectNode chunk = JSON.createObjectNode();
                    chunk.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 0)
                            .put("model", model);
                    ObjectNode choice = chunk.putArray("choices").addObject();
                    choice.put("index", 0).putNull("finish_reason");
                    choice.putObject("delta").put("content", "word" + n + " ");
                    out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                Thread.sleep(fault == Fault.KEEP_ALIVE ? 50 : 20);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is stopping
        }
    }

    private boolean authorized(HttpExchange exchange, Runnable beforeRefusal) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "" : auth);
        if (("Bearer " + KEY).equals(auth)) {
            return true;
        }
        beforeRefusal.run();
        String given = auth == null ? "" : auth.replace("Bearer ", "");
        // OpenAI's real 401 echoes part of the key: the client must not pass it on.
        String masked = given.length() > 8 ? given.substring(0, 3) + "*****" + given.substring(given.length() - 4)
                : given;
        error(exchange, 401, "Incorrect API key provided: " + masked
                + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error", "invalid_api_key");
        return false;
    }

    private Fault nextFault() {
        Fault fault = scripted.poll();
        if (fault != null) {
            return fault;
        }
        Fault[] faults = randomFaults;
        if (faults.length == 0) {
            return null;
        }
        synchronized (faultRandom) {
            return faultRandom.nextDouble() < faultRate ? faults[faultRandom.nextInt(faults.length)] : null;
        }
    }

    private static int statusOf(Fault fault) {
        return switch (fault) {
            case SERVER_ERROR -> 500;
            case OVERLOADED -> 503;
            case RATE_LIMIT -> 429;
            case MALFORMED, HUGE, KEEP_ALIVE, ENDLESS_TOKENS -> 200;
            case HANG, RESET -> 0;
        };
    }

    /** Answers with the fault; false if the request should go on (none do today). */
    private boolean suffer(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault) {
            case SERVER_ERROR -> error(exchange, 500, "The server had an error while processing your request.",
                    "server_error", null);
            case OVERLOADED -> error(exchange, 503, "The engine is currently overloaded, please try again later.",
                    "server_error", null);
            case RATE_LIMIT -> {
                exchange.getResponseHeaders().add("retry-after-ms", Long.toString(forcedRetryAfterMillis));
                exchange.getResponseHeaders().add("retry-after",
                        Long.toString(Math.max(1, (forcedRetryAfterMillis + 999) / 1000)));
                error(exchange, 429, "Rate limit reached for requests. Please try again in " + forcedRetryAfterMillis
                        + "ms.", "requests", "rate_limit_exceeded");
            }
            case MALFORMED -> send(exchange, 200, "{\"object\": \"list\", \"data\": [{\"embedd"
                    .getBytes(StandardCharsets.UTF_8));
            case HUGE -> sendHuge(exchange);
            case KEEP_ALIVE, ENDLESS_TOKENS -> {
                return false; // the chat stream serves these
            }
            case HANG -> sleep(hangMillis);
            case RESET -> {
                // Closing without a response drops the connection under the client.
            }
        }
        return true;
    }

    /** {@link #hugeBytes} of a JSON string that never ends, without a Content-Length. */
    private void sendHuge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'A');
        try {
            out.write("{\"object\": \"list\", \"data\": [{\"embedding\": \"".getBytes(StandardCharsets.UTF_8));
            for (long sent = 0; sent < hugeBytes; sent += block.length) {
                out.write(block);
            }
            out.flush();
        } catch (IOException e) {
            // the client stopped reading: what a client with a size limit does
        }
    }

    /** Takes the request's budget, or returns the 429 message after setting OpenAI's headers. */
    private String takeBudget(HttpExchange exchange, long tokens) {
        Bucket requests = requestBucket;
        Bucket tokenBudget = tokenBucket;
        String limited = null;
        synchronized (this) {
            long now = System.nanoTime();
            double waitRequests = requests == null ? 0 : requests.waitFor(1, now);
            double waitTokens = tokenBudget == null ? 0 : tokenBudget.waitFor(tokens, now);
            if (waitRequests > 0 || waitTokens > 0) {
                double wait = Math.max(waitRequests, waitTokens);
                long millis = (long) Math.ceil(wait * 1000);
                exchange.getResponseHeaders().add("retry-after-ms", Long.toString(millis));
                exchange.getResponseHeaders().add("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
                limited = waitTokens > 0
                        ? "Rate limit reached for text-embedding-3-small in organization org-fake on tokens per min (TPM):"
                        + " Limit " + tokenBudget.limit + ", Used " + (long) (tokenBudget.limit - tokenBudget.level)
                        + ", Requested " + tokens + ". Please try again in " + millis + "ms."
                        : "Rate limit reached for text-embedding-3-small in organization org-fake on requests per min"
                        + " (RPM): Limit " + requests.limit + ". Please try again in " + millis + "ms.";
            } else {
                if (requests != null) {
                    requests.level -= 1;
                }
                if (tokenBudget != null) {
                    tokenBudget.level -= tokens;
                }
            }
            if (sendLimitHeaders) {
                if (requests != null) {
                    headers(exchange, "requests", requests);
                }
                if (tokenBudget != null) {
                    headers(exchange, "tokens", tokenBudget);
                }
            }
        }
        return limited;
    }

    private static void headers(HttpExchange exchange, String what, Bucket bucket) {
        exchange.getResponseHeaders().add("x-ratelimit-limit-" + what, Long.toString(bucket.limit));
        exchange.getResponseHeaders().add("x-ratelimit-remaining-" + what, Long.toString((long) Math.max(0, bucket.level)));
        double toFull = (bucket.capacity - bucket.level) / bucket.perSecond;
        exchange.getResponseHeaders().add("x-ratelimit-reset-" + what,
                toFull < 1 ? Math.round(toFull * 1000) + "ms" : String.format("%.3fs", toFull));
    }

    private void error(HttpExchange exchange, int status, String message, String type, String code)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        switch (errorStyle) {
            case OPENAI -> {
                ObjectNode error = body.putObject("error");
                error.put("message", message).put("type", type).putNull("param");
                if (code == null) {
                    error.putNull("code");
                } else {
                    error.put("code", code);
                }
            }
            case VLLM -> body.put("object", "error").put("message", message).put("type", "BadRequestError")
                    .putNull("param").put("code", status);
            case TEI -> body.put("error", message).put("error_type", "Validation");
            case FASTAPI -> body.putArray("detail").addObject().put("type", "value_error").put("msg", message);
        }
        send(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long seed(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token bucket of one minute's budget that refills continuously and starts full. */
    private static final class Bucket {
        final long limit;
        final double perSecond;
        final double capacity;
        double level;
        long at = System.nanoTime();

        Bucket(long limit, double burstSeconds) {
            this.limit = limit;
            this.perSecond = limit / 60.0;
            this.capacity = Math.min(limit, perSecond * burstSeconds);
            this.level = capacity;
        }

        /** Seconds until {@code amount} is available (0: now), after refilling to {@code now}. */
        double waitFor(long amount, long now) {
            level = Math.min(capacity, level + (now - at) / 1e9 * perSecond);
            at = now;
            return level >= amount ? 0 : (amount - level) / perSecond;
        }
    }
}

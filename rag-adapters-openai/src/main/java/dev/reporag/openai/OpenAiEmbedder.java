package dev.reporag.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModelName;
import dev.langchain4j.model.openai.internal.embedding.EmbeddingRequest;
import dev.langchain4j.model.openai.internal.embedding.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import dev.reporag.core.port.EmbeddingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Embeds through an OpenAI-compatible {@code /embeddings} API, one request per call: LangChain4j
 * builds the request and reads the response (its own retries are off); this class counts tokens as
 * OpenAI's rate limiter does, classifies failures and reports the rate-limit headers and usage.
 * The core's {@code EmbeddingDispatcher} shapes, paces and retries the requests.
 */
public final class OpenAiEmbedder implements Embedder {
    /** Placeholder for blank inputs, which the API refuses. */
    private static final String BLANK = "<empty>";
    /**
     * Code runs about 3-4 characters per cl100k token; 16,000 characters fit the 8,192-token input
     * limit with room to spare (a longer input is split in two by the dispatcher when refused).
     */
    private static final int MAX_INPUT_CHARS = 16_000;
    /** OpenAI's caps on one request. */
    static final int MAX_INPUTS_PER_REQUEST = 2_048;
    static final long MAX_TOKENS_PER_REQUEST = 300_000;
    /**
     * A response larger than this is not read (the request is split instead): 25 inputs of 3,072
     * dimensions take about 0.4 MiB in base64, 1.7 MiB as JSON numbers.
     */
    static final long MAX_RESPONSE_BYTES = 8L << 20;
    private static final int PROBE_ATTEMPTS = 3;
    static final String WARM_UP_THREAD = "rag-openai-warm-up";
    static final String CLIENT_THREAD = "rag-openai-embedding-client";
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /** OpenAI's embedding models' tokenizer; loaded on the first count. */
    private static final class Cl100k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    private static final Logger log = LoggerFactory.getLogger(OpenAiEmbedder.class);
    private final OpenAiEmbeddingSettings settings;
    /** Asking for vectors as base64, and as numbers: for servers and gateways that refuse base64. */
    private record Models(OpenAiEmbeddingModel base64, OpenAiEmbeddingModel numbers) {
    }

    private final BuiltAside<Models> models;
    private volatile boolean numbers;
    private final String provider;
    private final String rateLimitKey;
    /** The headers of the response the calling thread is reading (LangChain4j does not pass them on). */
    private final ThreadLocal<Map<String, List<String>>> headers = new ThreadLocal<>();
    /** The body of that response: LangChain4j drops each vector's index, and lists them as the server did. */
    private final ThreadLocal<String> bodies = new ThreadLocal<>();
    private volatile int dimension;

    public OpenAiEmbedder(OpenAiEmbeddingSettings settings) {
        this.settings = settings;
        this.provider = Endpoint.provider(settings.baseUrl());
        // As OpenAI's own SDKs do: a quarter of the bytes of JSON numbers, and faster to read.
        this.models = new BuiltAside<>(CLIENT_THREAD, () -> new Models(model(settings, "base64"), model(settings, "float")));
        Integer known = settings.dimensions() > 0 ? Integer.valueOf(settings.dimensions())
                : OpenAiEmbeddingModelName.knownDimension(settings.model());
        this.dimension = known == null ? 0 : known;
        this.rateLimitKey = "openai:" + hash(settings.baseUrl() + "\n" + settings.model() + "\n" + settings.apiKey());
    }

    /**
     * A job is starting: the HTTP clients are built, and the tokenizer and the request's JSON
     * handling loaded, on threads of their own, beside its clone or fetch. A process that never
     * embeds (status, add, sync) loads none of it: `rag status` with a key took 1.18 s, now 0.58 s.
     */
    @Override
    public void prepare() {
        models.start();
        if (WARMING.compareAndSet(false, true)) { // once a process: what it loads stays loaded
            Thread warmUp = new Thread(OpenAiEmbedder::warmUp, WARM_UP_THREAD);
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    /** Whether the clients' build has started (by {@link #prepare} or a first request). */
    boolean clientsStarted() {
        return models.started();
    }

    private OpenAiEmbeddingModel model(OpenAiEmbeddingSettings settings, String encodingFormat) {
        return OpenAiEmbeddingModel.builder()
                .httpClientBuilder(ObservedHttpClient.builder(MAX_RESPONSE_BYTES, headers::set).observingBodies(bodies::set))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .dimensions(settings.dimensions() > 0 ? settings.dimensions() : null)
                .timeout(settings.timeout())
                .maxRetries(0)
                .maxSegmentsPerBatch(MAX_INPUTS_PER_REQUEST)
                .encodingFormat(encodingFormat)
                .build();
    }

    /**
     * Loads, off the caller's thread, what the first request and the first token count would load:
     * the tokenizer's tables and Jackson's handling of an embedding request and response. Nothing is
     * sent. In a fresh process the first request took 0.2-0.3 s more than the server's latency, which
     * a second project of an indexed repository, READY in about a second, waited for (issue 22).
     * Returns whether every step ran; a failed step costs nothing but the warm-up.
     */
    static boolean warmUp() {
        try {
            Cl100k.ENCODING.countTokens("warm up");
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            json.writeValueAsString(EmbeddingRequest.builder().model("m").input(List.of("x")).encodingFormat("base64")
                    .build());
            json.readValue("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                    + "\"embedding\":[0.5]}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}",
                    EmbeddingResponse.class);
            return true;
        } catch (Exception | LinkageError e) {
            return false; // the request path loads all of it anyway
        }
    }

    @Override
    public String modelId() {
        String id = "openai:" + settings.model();
        return settings.dimensions() > 0 ? id + ":" + settings.dimensions() : id;
    }

    /** Known without a call for OpenAI's models or when dimensions are set; else asked once. */
    @Override
    public int dimension() {
        int known = dimension;
        if (known == 0) {
            synchronized (this) {
                if (dimension == 0) {
                    dimension = probe();
                }
                known = dimension;
            }
        }
        return known;
    }

    /** One short request, tried a few times a second apart when the server is busy or down (at start-up). */
    private int probe() {
        for (int attempt = 1; ; attempt++) {
            try {
                return embed(List.of("dimension probe")).vectors().get(0).length;
            } catch (EmbeddingException e) {
                if (!e.retryable() || attempt == PROBE_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public int maxInputChars() {
        return MAX_INPUT_CHARS;
    }

    /** OpenAI's rate limiter counts about a token per 4 characters, whatever the tokenizer bills. */
    @Override
    public long countTokens(String text) {
        return Math.max(1, (input(text).length() + 3) / 4);
    }

    /**
     * What OpenAI bills and reports as usage: the cl100k_base tokens of the input as sent (OpenAI's
     * embedding models all use it; another server's model may count a little differently).
     */
    @Override
    public long billedTokens(String text) {
        return Cl100k.ENCODING.countTokensOrdinary(input(text));
    }

    @Override
    public int maxInputsPerRequest() {
        return MAX_INPUTS_PER_REQUEST;
    }

    @Override
    public long maxTokensPerRequest() {
        return MAX_TOKENS_PER_REQUEST;
    }

    /** The endpoint, model and key, hashed: the same for every process spending the same budget. */
    @Override
    public Optional<String> rateLimitKey() {
        return Optional.of(rateLimitKey);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return embed(texts).vectors();
    }

    @Override
    public EmbeddingResult embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new EmbeddingResult(List.of(), null);
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            segments.add(TextSegment.from(input(text)));
        }
        Response<List<Embedding>> response;
        Map<String, List<String>> seen;
        String body;
        try {
            response = send(segments);
        } catch (RuntimeException e) {
            CallFailure failure = CallFailure.classify(e, settings.baseUrl(), settings.model(), settings.timeout());
            if (failure.responseTooLarge() && texts.size() == 1) {
                // One vector cannot take megabytes: splitting the input would not help.
                throw EmbeddingException.permanent(failure.getMessage() + " for a single input; check the base URL"
                        + " and the model");
            }
            throw failure.toEmbeddingException();
        } finally {
            seen = headers.get();
            headers.remove();
            body = bodies.get();
            bodies.remove();
        }
        List<Embedding> embeddings = response == null ? null : response.content();
        if (embeddings == null || embeddings.size() != texts.size()) {
            throw CallFailure.malformed(provider, (embeddings == null ? 0 : embeddings.size()) + " vectors for "
                    + texts.size() + " inputs").toEmbeddingException();
        }
        int[] inputs;
        try {
            inputs = ResponseOrder.inputs(body, texts.size());
        } catch (IllegalArgumentException e) {
            throw CallFailure.malformed(provider, e.getMessage()).toEmbeddingException();
        }
        int expected = dimension;
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < embeddings.size(); i++) {
            float[] vector = embeddings.get(i).vector();
            if (expected > 0 && vector.length != expected) {
                throw EmbeddingException.permanent(provider + " returned vectors of " + vector.length
                        + " dimensions where " + expected + " were expected; check the model ('" + settings.model()
                        + "') and its dimensions setting");
            }
            if (!finite(vector)) {
                // fp16 overflow in the model on this text (Ollama's bge-m3 on some GPUs): the text in two
                // halves usually embeds. Such a vector must not reach a store: searches would rank by NaN.
                throw new EmbeddingException(provider + " returned a vector of NaN or infinite values for an input"
                        + " of " + texts.get(inputs[i]).length() + " characters; it is embedded in parts",
                        EmbeddingException.Kind.TOO_LARGE, RateLimitHeaders.parse(seen).toReport(-1), null);
            }
            vectors[inputs[i]] = vector;
        }
        Integer usage = response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
        return new EmbeddingResult(Arrays.asList(vectors), RateLimitHeaders.parse(seen).toReport(usage == null ? -1 : usage));
    }

    /**
     * One request. Some servers and gateways answer 400 to base64 vectors (a llama.cpp binding, an
     * Azure API Management proxy, a LiteLLM deployment, in their users' reports): a 400 to base64 is
     * asked again once for numbers, and when that works every later request asks for numbers.
     */
    private Response<List<Embedding>> send(List<TextSegment> segments) {
        Models built = models.get();
        if (numbers) {
            return built.numbers().embedAll(segments);
        }
        try {
            return built.base64().embedAll(segments);
        } catch (RuntimeException refused) {
            CallFailure failure = CallFailure.classify(refused, settings.baseUrl(), settings.model(), settings.timeout());
            if (failure.kind() != CallFailure.Kind.PERMANENT || failure.status() != 400) {
                throw refused;
            }
            Response<List<Embedding>> response;
            try {
                response = built.numbers().embedAll(segments);
            } catch (RuntimeException again) {
                throw refused; // not the encoding: the first answer says what is wrong
            }
            if (!numbers) {
                numbers = true;
                log.info("{} refused base64 vectors (400) and answered when asked for numbers: asking for"
                        + " numbers from now on", provider);
            }
            return response;
        }
    }

    private static boolean finite(float[] vector) {
        for (float value : vector) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    private static String input(String text) {
        return text == null || text.isBlank() ? BLANK : text;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "OpenAiEmbedder[" + settings + "]";
    }
}

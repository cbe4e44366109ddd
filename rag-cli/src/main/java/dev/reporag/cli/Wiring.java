package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.policy.BatchPolicy;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RateLimits;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.local.LocalEmbedder;
import dev.reporag.local.LocalModel;
import dev.reporag.local.LocalStore;
import dev.reporag.openai.OpenAiAnswerModel;
import dev.reporag.openai.OpenAiChatSettings;
import dev.reporag.openai.OpenAiEmbedder;
import dev.reporag.openai.OpenAiEmbeddingSettings;
import dev.reporag.pgvector.PgDatabase;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The composition root: the one place that reads {@link Config} and builds adapters. Everything it
 * opens is closed in reverse order.
 */
final class Wiring implements AutoCloseable {
    private final Config config;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final RepoRag rag;
    private final PgDatabase database;
    private final String storeDescription;
    private final Embedder embedder;

    private Wiring(Config config, boolean sends) {
        this.config = config;
        try {
            Embedder embedder = switch (config.effectiveEmbedder()) {
                case "openai" -> new OpenAiEmbedder(embeddingSettings(config));
                case "hashing" -> new HashingEmbedder(256, 4000);
                default -> {
                    LocalModel model = localModel(config);
                    yield remember(new LazyEmbedder(model.id(), model.dimension(),
                            LocalEmbedder.DEFAULT_MAX_INPUT_CHARS, () -> LocalEmbedder.builder().model(model)
                            .nativeCacheDir(config.nativeCacheDir()).build()));
                }
            };
            this.embedder = embedder;
            if (sends) {
                // Its client and tokenizer load beside the rest of the start (opening the store, fetching).
                embedder.prepare();
            }

            VectorStore store;
            JobRepository jobs;
            ConversationRepository conversations;
            if (config.databaseUrl() != null) {
                database = remember(PgDatabase.builder(config.databaseUrl())
                        .embeddingModel(embedder.modelId(), embedder.dimension())
                        .build());
                store = database.vectorStore();
                jobs = database.jobs();
                conversations = database.conversations();
                storeDescription = "PostgreSQL";
            } else {
                database = null;
                LocalStore local = remember(LocalStore.open(home().resolve("store"), embedder.modelId(),
                        embedder.dimension()));
                store = local.vectorStore();
                jobs = local.jobs();
                conversations = local.conversations();
                storeDescription = "embedded store at " + local.directory();
            }

            if (config.openAiBaseUrl() != null && config.openAiKey() == null) {
                org.slf4j.LoggerFactory.getLogger(Wiring.class).warn("OPENAI_BASE_URL is set but OPENAI_API_KEY is not,"
                        + " so that server is not used: embeddings are computed in-process{}. A server that takes no"
                        + " key (Ollama, LM Studio, a local vLLM) takes any: set OPENAI_API_KEY=local",
                        config.groqKey() == null ? " and answers are the best passages" : "");
            }
            AnswerModel answerModel = OpenAiChatSettings
                    .select(config.openAiKey(), config.openAiBaseUrl(), config.groqKey(), config.groqBaseUrl(),
                            config.chatModel())
                    .map(s -> (AnswerModel) new OpenAiAnswerModel(s.withTimeout(config.timeout())))
                    .orElse(null);
            if (sends && answerModel != null) {
                answerModel.prepare();
            }

            this.rag = remember(RepoRag.builder()
                    .source(new JGitRepositorySource(gitSettings(config)))
                    .embedder(embedder)
                    .vectorStore(store)
                    .jobs(jobs)
                    .conversations(conversations)
                    .answerModel(answerModel)
                    // Processes on one database share each API key's budget; alone, a process paces by itself.
                    .rateBudget(database != null ? database.rateBudget() : null)
                    .settings(ragSettings(config, embedder))
                    .scheduledRunInterval(config.processInterval())
                    .build());
        } catch (RagException | IllegalArgumentException e) {
            close();
            throw new ConfigException(e.getMessage());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** For a command that may embed or ask: what the API clients need starts loading at once. */
    static Wiring open(Config config) {
        return new Wiring(config, true);
    }

    /**
     * For a command that sends nothing to the model APIs (status, add, sync, migrate): their clients
     * are built only if something is sent after all. With an API key, `rag status` took 1.18 s (median)
     * building them and 0.58 s without (docs/benchmarks/startup.md).
     */
    static Wiring openSendingNothing(Config config) {
        return new Wiring(config, false);
    }

    RepoRag rag() {
        return rag;
    }

    Config config() {
        return config;
    }

    /** Applies database migrations, and says what it did. */
    String migrate() {
        if (database == null) {
            return "nothing to migrate: the " + storeDescription + " needs no migrations";
        }
        database.migrate();
        return "the database schema is up to date";
    }

    /**
     * Adds the JVM's and the process's meters (memory, GC, threads, classes, CPU, uptime, open
     * files), and the requests, tokens, 429s and failures of the process's embedding dispatcher.
     */
    void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        remember(new JvmGcMetrics()).bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("rag_embedding_requests", rag,
                r -> r.embeddingStats().requests()).description("embedding requests sent").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("rag_embedding_tokens", rag,
                r -> r.embeddingStats().tokens()).description("tokens embedded, as the provider's rate limiter counts"
                        + " them").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("rag_embedding_rate_limited", rag,
                r -> r.embeddingStats().rateLimited()).description("embedding requests answered 429 (waited out)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("rag_embedding_failures", rag,
                r -> r.embeddingStats().failed()).description("embedding requests that failed for good")
                .register(registry);
    }

    /**
     * The process's stderr as adapters need it: JGit's upload-pack (a fetch from a local path)
     * prints its failures' stack traces there from a thread of its own; they go to the log.
     */
    static java.io.PrintStream consoleErrors(java.io.PrintStream stderr) {
        return dev.reporag.git.UploadPackOutput.routing(stderr);
    }

    /**
     * The in-process model: RAG_EMBEDDING_MODEL when set (a local model's id); else, on an embedded
     * store of the release before per-model indexes, the model it recorded, so it keeps answering
     * after the default changed; else {@link LocalModel#DEFAULT} (projects of another model then
     * switch with {@code rag reembed}, as for any model change).
     */
    private LocalModel localModel(Config config) {
        String wanted = config.embeddingModel();
        if (wanted == null && config.databaseUrl() == null) {
            wanted = LocalStore.recordedModel(home().resolve("store"))
                    .filter(id -> LocalModel.byId(id).isPresent()).orElse(null);
        }
        if (wanted == null) {
            return LocalModel.DEFAULT;
        }
        String id = wanted;
        LocalModel model = LocalModel.byId(id).orElseThrow(() -> new ConfigException("RAG_EMBEDDING_MODEL '" + id
                + "' is not an in-process model; use one of " + String.join(", ", availableLocalModels())
                + " (or set OPENAI_API_KEY for an API's models)"));
        if (!model.available()) {
            throw new ConfigException("the in-process model '" + id + "' is not part of this build; use one of "
                    + String.join(", ", availableLocalModels()));
        }
        return model;
    }

    private static java.util.List<String> availableLocalModels() {
        return java.util.Arrays.stream(LocalModel.values()).filter(LocalModel::available).map(LocalModel::id).toList();
    }

    Embedder embedder() {
        return embedder;
    }

    /** Whether an in-process model has been loaded (only a text to embed loads it). */
    boolean modelLoaded() {
        return !(embedder instanceof LazyEmbedder lazy) || lazy.isLoaded();
    }

    /** The model this process embeds with, as its store keeps its vectors. */
    dev.reporag.core.model.EmbeddingModel embeddingModel() {
        return new dev.reporag.core.model.EmbeddingModel(embedder.modelId(), embedder.dimension());
    }

    String storeDescription() {
        return storeDescription;
    }

    Path home() {
        return config.home();
    }

    private <T extends AutoCloseable> T remember(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    /**
     * The one dispatcher's settings: RAG_BATCH_SIZE inputs per request (25), RAG_DELAY between starts,
     * RAG_CONCURRENCY requests in flight for the whole process (4 with an API; 2 in-process, where the
     * model spreads each request over the cores itself), and RAG_RPM / RAG_TPM as the starting budget
     * (OpenAI's tier 1 with an API, none in-process; the server's headers replace them).
     */
    static RagSettings ragSettings(Config config, Embedder embedder) {
        boolean remote = embedder instanceof OpenAiEmbedder;
        int concurrency = config.concurrency() != null ? config.concurrency() : remote ? 4 : 2;
        int batchSize = config.batchSize() != null ? config.batchSize() : BatchPolicy.DEFAULT_BATCH_SIZE;
        RateLimits defaults = remote ? RateLimits.OPENAI_TIER_1 : RateLimits.NONE;
        RateLimits limits = new RateLimits(config.rpm() != null ? config.rpm() : defaults.requestsPerMinute(),
                config.tpm() != null ? config.tpm() : defaults.tokensPerMinute());
        return RagSettings.builder()
                .fileFilter(FileFilter.withExtraExcludes(config.maxFileBytes(),
                        Math.max(config.maxFileBytes(), FileFilter.DEFAULT_MAX_SOURCE_FILE_BYTES), config.excludes(),
                        config.includes()))
                .chunkSize(config.chunkSize())
                .chunkOverlap(config.chunkOverlap())
                .batch(new BatchPolicy(batchSize, BatchPolicy.DEFAULT_MAX_TOKENS, config.delay(), concurrency))
                .rateLimits(limits)
                .lease(config.lease())
                .maxAttempts(config.maxAttempts())
                .topK(config.topK())
                .maxTokensPerJob(config.maxTokensPerJob() == null ? 0 : config.maxTokensPerJob())
                .pricePerMillionTokens(config.pricePerMillionTokens())
                .build();
    }

    private GitSourceSettings gitSettings(Config config) {
        GitSourceSettings.Builder git = GitSourceSettings.builder(home().resolve("git"))
                .allowLocalSources(config.allowLocalSources())
                .allowedHosts(config.allowedHosts())
                .timeout(config.gitTimeout())
                .maxRepositoryBytes(config.maxRepositoryBytes());
        config.gitTokens().forEach(git::token);
        return git.build();
    }

    private static OpenAiEmbeddingSettings embeddingSettings(Config config) {
        OpenAiEmbeddingSettings settings = OpenAiEmbeddingSettings.of(config.openAiKey()).withTimeout(config.timeout());
        if (config.openAiBaseUrl() != null) {
            settings = settings.withBaseUrl(config.openAiBaseUrl());
        }
        if (config.embeddingModel() != null) {
            settings = settings.withModel(config.embeddingModel());
        }
        return config.embeddingDimensions() > 0 ? settings.withDimensions(config.embeddingDimensions()) : settings;
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Wiring.class).warn("could not close cleanly: {}", e.getMessage());
            }
        }
    }
}

package dev.reporag.cli;

import dev.reporag.http.HttpSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the composition root reads from the environment (see docs/configuration.md), parsed
 * and checked once, so a bad value fails at start-up with one clear line. Command-line flags
 * override it through the {@code with...} methods. Secrets are never printed.
 */
record Config(
        String openAiKey, String openAiBaseUrl, String groqKey, String groqBaseUrl, String embedder, String embeddingModel,
        int embeddingDimensions, String chatModel,
        Integer batchSize, Duration delay, Duration timeout, Integer rpm, Integer tpm, Integer concurrency,
        String databaseUrl, Path home, int port, boolean allowLocalSources, Set<String> allowedHosts, Map<String, String> gitTokens,
        Duration gitTimeout, long maxRepositoryBytes, long maxFileBytes, int chunkSize, int chunkOverlap, List<String> excludes, List<String> includes,
        int workers, int topK, Duration lease, int maxAttempts, Duration processInterval, Duration syncInterval,
        Long maxTokensPerJob, Double pricePerMillionTokens, String nativeCacheDir) {

    static final Set<String> EMBEDDERS = Set.of("auto", "local", "openai", "hashing");

    static Config fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        String embedder = r.text("RAG_EMBEDDER").orElse("auto").toLowerCase(Locale.ROOT);
        if (!EMBEDDERS.contains(embedder)) {
            throw new ConfigException("RAG_EMBEDDER must be one of auto, local, openai, hashing; got '" + embedder + "'");
        }
        Config config = new Config(
                r.text("OPENAI_API_KEY").orElse(null),
                r.url("OPENAI_BASE_URL").orElse(null),
                r.text("GROQ_API_KEY").orElse(null),
                r.url("GROQ_BASE_URL").orElse(null),
                embedder,
                r.text("RAG_EMBEDDING_MODEL").orElse(null),
                r.integer("RAG_EMBEDDING_DIMENSIONS", 1, 8192).orElse(0),
                r.text("RAG_CHAT_MODEL").orElse(null),
                r.integer("RAG_BATCH_SIZE", 1, 2048).orElse(null),
                r.seconds("RAG_DELAY").orElse(Duration.ZERO),
                r.positiveSeconds("RAG_TIMEOUT").orElse(Duration.ofSeconds(60)),
                r.integer("RAG_RPM", 1, 1_000_000).orElse(null),
                r.integer("RAG_TPM", 1, 1_000_000_000).orElse(null),
                r.integer("RAG_CONCURRENCY", 1, 64).orElse(null),
                r.text("DATABASE_URL").orElse(null),
                r.text("RAG_HOME").map(Path::of).orElse(Path.of(System.getProperty("user.home"), ".repo-rag")),
                r.integer("PORT", 1, 65535).orElse(8080),
                r.bool("RAG_ALLOW_LOCAL_SOURCES").orElse(false),
                Set.copyOf(r.list("RAG_ALLOWED_HOSTS").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()),
                r.gitTokens(r.text("GITHUB_TOKEN").orElse(null), r.list("RAG_GIT_TOKENS")),
                r.positiveSeconds("RAG_GIT_TIMEOUT").orElse(Duration.ofMinutes(5)),
                r.integer("RAG_GIT_MAX_REPO_MB", 1, 100_000).map(mb -> mb * 1024L * 1024).orElse(500L * 1024 * 1024),
                r.integer("RAG_MAX_FILE_BYTES", 1, 100 * 1024 * 1024).map(Integer::longValue).orElse(50L * 1024),
                r.integer("RAG_CHUNK_SIZE", 100, 100_000).orElse(1000),
                r.integer("RAG_CHUNK_OVERLAP", 0, 50_000).orElse(200),
                r.globs("RAG_EXCLUDE"),
                r.globs("RAG_INCLUDE"),
                r.integer("RAG_WORKERS", 0, 64).orElse(1),
                r.integer("RAG_TOP_K", 1, 50).orElse(6),
                r.seconds("RAG_LEASE").orElse(Duration.ofSeconds(60)),
                r.integer("RAG_MAX_ATTEMPTS", 1, 100).orElse(3),
                r.integer("RAG_PROCESS_INTERVAL", 60, 7 * 24 * 3600).map(Duration::ofSeconds).orElse(null),
                r.duration("RAG_SYNC_INTERVAL", Duration.ofSeconds(10), Duration.ofDays(7)).orElse(null),
                r.longInteger("RAG_MAX_TOKENS_PER_JOB", 1, Long.MAX_VALUE / 4).orElse(null),
                r.decimal("RAG_EMBEDDING_PRICE_PER_MTOK", 0, 1_000_000).orElse(null),
                // Read by DJL itself too; passed on so that the in-process embedder needs no environment.
                r.text("DJL_CACHE_DIR").orElse(null));
        if (config.chunkOverlap * 2 >= config.chunkSize) {
            throw new ConfigException("RAG_CHUNK_OVERLAP (" + config.chunkOverlap + ") must be under half of"
                    + " RAG_CHUNK_SIZE (" + config.chunkSize + ")");
        }
        if (config.lease.toMillis() < 1000) {
            throw new ConfigException("RAG_LEASE must be at least 1 second");
        }
        if ("openai".equals(embedder) && config.openAiKey == null) {
            throw new ConfigException("RAG_EMBEDDER=openai needs OPENAI_API_KEY");
        }
        return config;
    }

    /**
     * The HTTP service's settings ({@code rag serve}), read from the same environment; unset ones keep
     * {@link HttpSettings}' defaults.
     *
     * @throws ConfigException naming the variable that holds a bad value
     */
    static HttpSettings httpSettings(Map<String, String> env) {
        Reader r = new Reader(env);
        HttpSettings.Builder http = HttpSettings.builder();
        r.text("RAG_ADMIN_TOKEN").ifPresent(http::adminToken);
        http.corsOrigins(r.list("RAG_CORS_ORIGINS"));
        // The lower limits are the settings' own (they name what is limited); these bounds only parse.
        r.longInteger("RAG_MAX_BODY_BYTES", 0, Long.MAX_VALUE).ifPresent(http::maxBodyBytes);
        r.integer("RAG_ASK_RATE_PER_MINUTE", 0, Integer.MAX_VALUE).ifPresent(http::askPerMinute);
        r.text("RAG_TRUST_PROXY").map(Boolean::parseBoolean).ifPresent(http::trustForwardedFor);
        r.longInteger("RAG_SSE_POLL_MS", 0, Long.MAX_VALUE).map(Duration::ofMillis).ifPresent(http::ssePollInterval);
        r.text("RAG_WEBHOOK_SECRET").ifPresent(http::webhookSecret);
        r.longInteger("RAG_WEBHOOK_MAX_BYTES", 0, Long.MAX_VALUE).ifPresent(http::webhookMaxBytes);
        try {
            return http.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Which embedder runs: OpenAI when a key is there (unless told otherwise), else in-process. */
    String effectiveEmbedder() {
        if (!"auto".equals(embedder)) {
            return embedder;
        }
        return openAiKey != null ? "openai" : "local";
    }

    Config withBatchSize(Integer value) {
        return value == null ? this : copy(b -> b.batchSize = checkRange("--batch-size", value, 1, 2048));
    }

    Config withDelay(Double seconds) {
        return seconds == null ? this : copy(b -> b.delay = toDuration("--delay", String.valueOf(seconds)));
    }

    Config withHome(Path value) {
        return value == null ? this : copy(b -> b.home = value);
    }

    Config withDatabaseUrl(String value) {
        return value == null ? this : copy(b -> b.databaseUrl = value);
    }

    Config withAllowLocalSources(boolean value) {
        return copy(b -> b.allowLocalSources = value);
    }

    /**
     * For processing projects already registered. The embedded store belongs to this machine's user
     * (one process at a time, never a server's), so local paths registered there by `rag ingest .` stay
     * processable; a shared database (a server, a cron job) keeps RAG_ALLOW_LOCAL_SOURCES as it is.
     */
    Config forStoredProjects() {
        return databaseUrl == null ? withAllowLocalSources(true) : this;
    }

    Config withMaxTokensPerJob(Long value) {
        if (value == null) {
            return this;
        }
        if (value < 1) {
            throw new ConfigException("--max-tokens must be at least 1, got " + value);
        }
        return copy(b -> b.maxTokensPerJob = value);
    }

    Config withPort(Integer value) {
        return value == null ? this : copy(b -> b.port = checkRange("--port", value, 0, 65535));
    }

    Config withWorkers(Integer value) {
        return value == null ? this : copy(b -> b.workers = checkRange("--workers", value, 0, 64));
    }

    @Override
    public String toString() {
        return "Config[embedder=" + effectiveEmbedder() + ", store=" + (databaseUrl == null ? "embedded" : "postgresql")
                + ", openAiKey=" + (openAiKey == null ? "unset" : "set") + ", groqKey="
                + (groqKey == null ? "unset" : "set") + "]";
    }

    private static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(name + " must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    static Duration toDuration(String name, String text) {
        try {
            double seconds = Double.parseDouble(text.strip());
            if (seconds < 0 || seconds > 3600 || Double.isNaN(seconds)) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number of seconds from 0 to 3600, got '" + text + "'");
        }
    }

    /** "15m", "1h", "90s", "2d" or a number of seconds; null when it is none of those. */
    static Duration parseDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*([smhd]?)")
                .matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private Config copy(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** Mutable copy for the with-ers; keeps the record itself immutable. */
    private static final class Builder {
        Integer batchSize;
        Duration delay;
        Path home;
        String databaseUrl;
        boolean allowLocalSources;
        int port;
        int workers;
        Long maxTokensPerJob;
        private final Config c;

        Builder(Config c) {
            this.c = c;
            batchSize = c.batchSize;
            delay = c.delay;
            home = c.home;
            databaseUrl = c.databaseUrl;
            allowLocalSources = c.allowLocalSources;
            port = c.port;
            workers = c.workers;
            maxTokensPerJob = c.maxTokensPerJob;
        }

        Config build() {
            return new Config(c.openAiKey, c.openAiBaseUrl, c.groqKey, c.groqBaseUrl, c.embedder, c.embeddingModel,
                    c.embeddingDimensions, c.chatModel, batchSize, delay, c.timeout, c.rpm, c.tpm, c.concurrency,
                    databaseUrl, home, port, allowLocalSources,
                    c.allowedHosts, c.gitTokens, c.gitTimeout, c.maxRepositoryBytes, c.maxFileBytes, c.chunkSize, c.chunkOverlap, c.excludes,
                    c.includes, workers, c.topK, c.lease, c.maxAttempts, c.processInterval, c.syncInterval,
                    maxTokensPerJob, c.pricePerMillionTokens, c.nativeCacheDir);
        }
    }

    /** Reads typed values, naming the variable in every error. */
    private record Reader(Map<String, String> env) {
        Optional<String> text(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
        }

        Optional<Integer> integer(String name, int min, int max) {
            return longInteger(name, min, max).map(Long::intValue);
        }

        /** A whole number in [min, max]; underscores may group its digits (1_000_000). */
        Optional<Long> longInteger(String name, long min, long max) {
            return text(name).map(v -> {
                try {
                    long n = Long.parseLong(v.replace("_", ""));
                    if (n < min || n > max) {
                        throw new NumberFormatException();
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new ConfigException(name + " must be a whole number from " + min + " to " + max
                            + ", got '" + v + "'");
                }
            });
        }

        Optional<Double> decimal(String name, double min, double max) {
            return text(name).map(v -> {
                try {
                    double n = Double.parseDouble(v);
                    if (!(n >= min && n <= max)) {
                        throw new NumberFormatException();
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new ConfigException(name + " must be a number from " + min + " to " + max + ", got '" + v
                            + "'");
                }
            });
        }

        /** A duration such as 15m, 1h, 90s or 900 (seconds), within [min, max]. */
        Optional<Duration> duration(String name, Duration min, Duration max) {
            return text(name).map(v -> {
                Duration value = parseDuration(v);
                if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                    throw new ConfigException(name + " must be a duration such as 15m, 1h or 90s, from "
                            + min.toSeconds() + " s to " + max.toDays() + " days; got '" + v + "'");
                }
                return value;
            });
        }

        Optional<Duration> seconds(String name) {
            return text(name).map(v -> toDuration(name, v));
        }

        /** A time limit: zero would fail every call, so it is refused here, naming the variable. */
        Optional<Duration> positiveSeconds(String name) {
            return text(name).map(v -> {
                Duration value = toDuration(name, v);
                if (value.isZero()) {
                    throw new ConfigException(name + " must be more than 0 seconds (it bounds each call; at most"
                            + " 3600), got '" + v + "'");
                }
                return value;
            });
        }

        Optional<Boolean> bool(String name) {
            return text(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
            });
        }

        Optional<String> url(String name) {
            return text(name).map(v -> {
                try {
                    URI uri = URI.create(v);
                    if (uri.getHost() == null || !(v.startsWith("https://") || v.startsWith("http://"))) {
                        throw new IllegalArgumentException();
                    }
                    return v;
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + " must be an http(s) URL, got '" + v + "'");
                }
            });
        }

        /**
         * Tokens per Git host, never stored with a project: GITHUB_TOKEN for github.com,
         * RAG_GIT_TOKEN_&lt;HOST&gt; (the host in capitals, '.' written '_': RAG_GIT_TOKEN_GITLAB_COM) and
         * RAG_GIT_TOKENS (host=token, comma separated, for hosts with '-' in their name). A value is a
         * token or user:token.
         */
        Map<String, String> gitTokens(String githubToken, List<String> tokenList) {
            Map<String, String> tokens = new java.util.TreeMap<>();
            if (githubToken != null) {
                tokens.put("github.com", githubToken);
            }
            for (String name : new java.util.TreeSet<>(env.keySet())) {
                if (name.startsWith("RAG_GIT_TOKEN_") && name.length() > "RAG_GIT_TOKEN_".length()) {
                    String host = name.substring("RAG_GIT_TOKEN_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                    text(name).ifPresent(t -> tokens.put(host, t));
                }
            }
            for (String entry : tokenList) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new ConfigException("RAG_GIT_TOKENS holds host=token pairs separated by commas;"
                            + " an entry has no host or no token"); // the value is a secret: never echoed
                }
                tokens.put(entry.substring(0, eq).strip().toLowerCase(Locale.ROOT), entry.substring(eq + 1).strip());
            }
            return java.util.Collections.unmodifiableMap(tokens);
        }

        /** Globs, comma-separated; a comma inside braces ({@code {a,b}}) is part of its glob. */
        List<String> globs(String name) {
            return text(name).map(dev.reporag.core.RepoRag::globList).orElse(List.of());
        }

        List<String> list(String name) {
            return text(name).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableList())).orElse(List.of());
        }
    }
}

package dev.reporag.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RateBudget;
import dev.reporag.core.port.StoreException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.sql.DataSource;
import java.sql.DriverManager;
import java.util.Objects;
import java.util.Properties;

/**
 * One PostgreSQL database with pgvector holding repo-rag's vectors (of any number of embedding
 * models, each apart; this instance's store reads and writes those of its own), jobs and conversations: a
 * small connection pool, the schema (migrated by Flyway when opened, and on demand), and the
 * adapters built on them. Open it once per process and close it on shutdown.
 *
 * <pre>{@code
 * PgDatabase db = PgDatabase.builder(databaseUrl) // read by the caller: the composition root
 *         .embeddingModel(embedder.modelId(), embedder.dimension())
 *         .build();
 * VectorStore store = db.vectorStore();
 * JobRepository jobs = db.jobs();
 * }</pre>
 */
public final class PgDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgDatabase.class);

    /** Connections for a small host: a worker, a few HTTP requests and the lease renewer. */
    public static final int DEFAULT_POOL_SIZE = 4;
    /** How long a caller waits for a connection (and for the server's TCP connect) before failing. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 1_500;

    private final HikariDataSource dataSource;
    private final SchemaMigrations migrations;
    private final PgVectorStore vectorStore;
    private final JdbcJobRepository jobs;
    private final JdbcConversationRepository conversations;
    private final JdbcRateBudget rateBudget;

    private PgDatabase(Builder builder) {
        DatabaseUrl url = builder.url;
        this.dataSource = pool(url, builder);
        try {
            this.migrations = new SchemaMigrations(dataSource,
                    unpooled(url, builder, SchemaMigrations.APPLICATION_NAME), builder.schema, builder.dimension);
            if (builder.migrateOnStart) {
                migrations.migrate();
            }
            VectorSearch search = effectiveSearch(builder.vectorSearch);
            this.vectorStore = new PgVectorStore(dataSource, new EmbeddingModel(builder.modelId, builder.dimension), search,
                    builder.efSearch,
                    builder.exactSearchMaxRows);
            if (builder.migrateOnStart) {
                vectorStore.prepare(); // the model's space and its index, now rather than at the first question
            }
            this.jobs = new JdbcJobRepository(dataSource, unpooled(url, builder, QueueListener.APPLICATION_NAME));
            this.conversations = new JdbcConversationRepository(dataSource);
            this.rateBudget = new JdbcRateBudget(dataSource);
            log.info("PostgreSQL store ready at {} (schema {}, model {} with {} dimensions, pool {})", url,
                    builder.schema == null ? "default" : builder.schema, builder.modelId, builder.dimension,
                    builder.poolSize);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Iterative index scans need pgvector 0.8; older versions search exactly. */
    private VectorSearch effectiveSearch(VectorSearch requested) {
        if (requested == VectorSearch.EXACT) {
            return requested;
        }
        int[] version;
        try {
            version = migrations.pgvectorVersion();
        } catch (StoreException notYetInstalled) {
            return requested;
        }
        if (version[0] == 0 && version[1] < 8) {
            log.warn("pgvector {}.{} has no iterative index scans (0.8 does): searching exactly within each project",
                    version[0], version[1]);
            return VectorSearch.EXACT;
        }
        return requested;
    }

    /** Connects with the defaults and migrates the schema; see {@link #builder(String)}. */
    public static PgDatabase connect(String databaseUrl, String modelId, int dimension) {
        return builder(databaseUrl).embeddingModel(modelId, dimension).build();
    }

    /** @param databaseUrl {@code DATABASE_URL} in Render's form or JDBC form, see {@link DatabaseUrl} */
    public static Builder builder(String databaseUrl) {
        return new Builder(DatabaseUrl.parse(databaseUrl));
    }

    public static Builder builder(DatabaseUrl databaseUrl) {
        return new Builder(Objects.requireNonNull(databaseUrl, "databaseUrl"));
    }

    /**
     * Applies pending migrations (none when the schema is current) and makes the configured
     * embedding model's space (its vectors' place and index) if it is new. Vectors of other models
     * stay beside it; see docs/operations.md, "Model switch and reuse".
     */
    public void migrate() {
        migrations.migrate();
        vectorStore.prepare();
    }

    public VectorStore vectorStore() {
        return vectorStore;
    }

    public JobRepository jobs() {
        return jobs;
    }

    public ConversationRepository conversations() {
        return conversations;
    }

    /** The embedding API's rate budgets, shared by every process on this database (one per API key). */
    public RateBudget rateBudget() {
        return rateBudget;
    }

    /** The pool, for this package's tests. */
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * How long to wait for a connection: the URL's own {@code connect_timeout} / {@code connectTimeout}
     * (seconds) when it names one — Neon advises {@code connect_timeout=10} for a database waking from
     * scale-to-zero, which the pool's default wait of 1.5 s cut short — else the builder's.
     */
    private static long connectTimeoutMillis(DatabaseUrl url, long fallback) {
        String seconds = url.parameters().get("connectTimeout");
        try {
            long value = seconds == null ? 0 : Long.parseLong(seconds.strip());
            return value > 0 ? Math.min(value, 300) * 1000 : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static HikariDataSource pool(DatabaseUrl url, Builder builder) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("repo-rag-pg");
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(builder.poolSize);
        config.setMinimumIdle(1);
        // Bounded waits, so a database outage is answered within about a second and a half instead of
        // holding request threads: for a connection from the pool, for the TCP connect, for the check
        // of an idle connection.
        long connectMillis = connectTimeoutMillis(url, builder.connectTimeoutMillis);
        config.setConnectionTimeout(connectMillis);
        config.setValidationTimeout(Math.min(1000, connectMillis));
        config.setDataSourceProperties(driverProperties(builder, "repo-rag"));
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + url + ": " + reason(e), e);
        }
    }

    private static Properties driverProperties(Builder builder, String applicationName) {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, builder.connectTimeoutMillis / 1000)));
        properties.setProperty("ApplicationName", applicationName);
        // No statements prepared on the server: behind a pooler in transaction mode (Supabase's, a
        // PgBouncer) the next transaction may run on another server connection, where a statement
        // prepared before does not exist. A URL's own prepareThreshold wins over this default.
        properties.setProperty("prepareThreshold", "0");
        if (builder.schema != null) {
            // public stays on the path: that is where CREATE EXTENSION usually put the vector type.
            properties.setProperty("currentSchema", builder.schema + ",public");
        }
        return properties;
    }

    /**
     * Connections outside the pool: the queue listener holds one for as long as it runs, a migration
     * one for its lock while Flyway takes two from the pool.
     */
    private static UnpooledConnector unpooled(DatabaseUrl url, Builder builder, String applicationName) {
        Properties properties = driverProperties(builder, applicationName);
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        return () -> DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    /** The deepest cause's message; for a failed TLS handshake (an untrusted certificate) also what it was. */
    private static String reason(Throwable e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return "the TLS handshake failed (" + rootMessage(e) + "); check sslmode and sslrootcert in the URL";
            }
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "no detail given" : root.getMessage();
    }

    /** Options; every one has a default except the embedding model. */
    public static final class Builder {
        private final DatabaseUrl url;
        private String modelId;
        private int dimension;
        private String schema;
        private int poolSize = DEFAULT_POOL_SIZE;
        private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
        private boolean migrateOnStart = true;
        private VectorSearch vectorSearch = VectorSearch.AUTO;
        private int efSearch = 100;
        private int exactSearchMaxRows = PgVectorStore.EXACT_SEARCH_MAX_ROWS;

        private Builder(DatabaseUrl url) {
            this.url = url;
        }

        /** The embedder whose vectors this database stores; required. */
        public Builder embeddingModel(String modelId, int dimension) {
            if (modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException("modelId must not be blank");
            }
            if (dimension < 1 || dimension > 16_000) {
                throw new IllegalArgumentException("dimension must be within 1..16000: " + dimension);
            }
            this.modelId = modelId;
            this.dimension = dimension;
            return this;
        }

        /** A schema of its own (created if missing) instead of the user's default; null for the default. */
        public Builder schema(String schema) {
            if (schema != null && !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("schema must be a lower-case SQL identifier: " + schema);
            }
            this.schema = schema;
            return this;
        }

        /** Maximum connections; default {@value PgDatabase#DEFAULT_POOL_SIZE}, at least 2 (Flyway holds two while migrating). */
        public Builder poolSize(int poolSize) {
            if (poolSize < 2) {
                throw new IllegalArgumentException("poolSize must be at least 2: migrating holds two connections");
            }
            this.poolSize = poolSize;
            return this;
        }

        public Builder connectTimeoutMillis(long millis) {
            if (millis < 250) {
                throw new IllegalArgumentException("connect timeout must be at least 250 ms");
            }
            this.connectTimeoutMillis = millis;
            return this;
        }

        /** Whether opening migrates the schema (default true); {@link PgDatabase#migrate()} does it on demand. */
        public Builder migrateOnStart(boolean migrate) {
            this.migrateOnStart = migrate;
            return this;
        }

        /** How a search within one project finds its nearest chunks; default {@link VectorSearch#AUTO}. */
        public Builder vectorSearch(VectorSearch vectorSearch) {
            this.vectorSearch = Objects.requireNonNull(vectorSearch, "vectorSearch");
            return this;
        }

        /** {@code hnsw.ef_search} for index scans (default 100; pgvector's own default is 40). */
        public Builder efSearch(int efSearch) {
            if (efSearch < 1 || efSearch > 1000) {
                throw new IllegalArgumentException("efSearch must be within 1..1000");
            }
            this.efSearch = efSearch;
            return this;
        }

        /** Under {@link VectorSearch#AUTO}, projects up to this many chunks are searched exactly. */
        public Builder exactSearchMaxRows(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("exactSearchMaxRows must not be negative");
            }
            this.exactSearchMaxRows = rows;
            return this;
        }

        public PgDatabase build() {
            if (modelId == null) {
                throw new IllegalStateException("embeddingModel(modelId, dimension) is required");
            }
            return new PgDatabase(this);
        }
    }
}

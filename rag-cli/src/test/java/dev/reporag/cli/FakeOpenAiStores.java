package dev.reporag.cli;

import dev.reporag.openai.FakeOpenAiServer;
import dev.reporag.pgvector.TestSchema;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A fake OpenAI-compatible server for CLI runs, and the environment that points them at it with the
 * embedded store under {@code home} ({@code local}) or a PostgreSQL schema of their own
 * ({@code pgvector}, made on first use, dropped on close).
 */
final class FakeOpenAiStores implements AutoCloseable {
    final FakeOpenAiServer fake = FakeOpenAiServer.start();
    private final Path home;
    private final String schemaPrefix;
    private TestSchema database;

    FakeOpenAiStores(Path home, String schemaPrefix) {
        this.home = home;
        this.schemaPrefix = schemaPrefix;
    }

    /** The environment of a run on {@code store} with the fake's key, plus {@code more}. */
    Map<String, String> env(String store, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", FakeOpenAiServer.KEY, "OPENAI_BASE_URL",
                fake.baseUrl(), "RAG_ALLOW_LOCAL_SOURCES", "true", "RAG_HOME", home.toString()));
        if (store.equals("pgvector")) {
            env.put("DATABASE_URL", database().databaseUrl());
        }
        env.putAll(more);
        return env;
    }

    TestSchema database() {
        if (database == null) {
            database = new TestSchema(schemaPrefix);
        }
        return database;
    }

    /** Whether a run used PostgreSQL (a schema was made). */
    boolean usedDatabase() {
        return database != null;
    }

    @Override
    public void close() throws Exception {
        fake.close();
        if (database != null) {
            database.close();
        }
    }
}

package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The composition root on the embedded default: the in-process model loads only when something is embedded. */
class WiringTest {
    @TempDir
    Path tmp;

    @Test
    void commandsThatDoNotEmbedDoNotLoadTheModel() throws Exception {
        Path repo = TestRepos.create(tmp.resolve("shop"), Map.of("src/A.java", "class A {\n  void a() {}\n}\n"));
        Config config = Config.fromEnvironment(Map.of("RAG_HOME", tmp.resolve("home").toString()))
                .withAllowLocalSources(true);
        try (Wiring wiring = Wiring.open(config)) {
            RepoRag rag = wiring.rag();
            // What status, add and migrate do.
            assertThat(rag.statuses()).isEmpty();
            Project project = rag.registerOrFind("shop", repo.toString(), null).project();
            assertThat(wiring.migrate()).contains("nothing to migrate");
            assertThat(wiring.modelLoaded()).as("status, add, migrate").isFalse();
            // A server whose workers run elsewhere: until a question comes, nothing is embedded.
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            wiring.bindMetrics(registry);
            dev.reporag.http.RagHttpServer.create(rag, dev.reporag.http.HttpSettings.defaults(), registry);
            assertThat(registry.scrape()).contains("jvm_memory_used_bytes");
            assertThat(wiring.modelLoaded()).as("serve --workers 0").isFalse();

            rag.requestIngestion(project.id());
            assertThat(rag.processNext("w").orElseThrow().status()).isEqualTo(JobStatus.READY);
            assertThat(wiring.modelLoaded()).as("an ingestion embeds").isTrue();
        }
    }

    @Test
    void theDefaultInProcessModelIsEightBitAndRagEmbeddingModelPicksAnother() {
        Path home = tmp.resolve("home");
        try (Wiring wiring = Wiring.open(Config.fromEnvironment(Map.of("RAG_HOME", home.toString())))) {
            assertThat(wiring.embedder().modelId()).isEqualTo("all-minilm-l6-v2-q");
        }
        try (Wiring wiring = Wiring.open(Config.fromEnvironment(Map.of("RAG_HOME", home.toString(),
                "RAG_EMBEDDING_MODEL", "all-minilm-l6-v2")))) {
            assertThat(wiring.embedder().modelId()).isEqualTo("all-minilm-l6-v2");
        }
    }

    @Test
    void anUnknownInProcessModelIsAClearError() {
        assertThatThrownBy(() -> Wiring.open(Config.fromEnvironment(Map.of("RAG_HOME", tmp.resolve("h").toString(),
                "RAG_EMBEDDING_MODEL", "text-embedding-3-small"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAG_EMBEDDING_MODEL 'text-embedding-3-small' is not an in-process model; use one of"
                        + " all-minilm-l6-v2, all-minilm-l6-v2-q (or set OPENAI_API_KEY for an API's models)");
    }

    /** Pointed at a local server (Ollama, LM Studio) without a key, nothing said why it went unused. */
    @Test
    void aBaseUrlWithoutAKeyIsSaidToBeUnused() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Wiring.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            Config config = Config.fromEnvironment(Map.of("RAG_HOME", tmp.resolve("home").toString(),
                    "OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"));
            try (Wiring wiring = Wiring.open(config)) {
                assertThat(wiring.rag().statuses()).isEmpty();
            }
            Config withKey = Config.fromEnvironment(Map.of("RAG_HOME", tmp.resolve("home").toString(),
                    "OPENAI_BASE_URL", "http://127.0.0.1:11434/v1", "OPENAI_API_KEY", "local",
                    "RAG_EMBEDDING_DIMENSIONS", "8"));
            try (Wiring wiring = Wiring.open(withKey)) {
                assertThat(wiring.rag()).isNotNull();
            }
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly("OPENAI_BASE_URL is set but OPENAI_API_KEY is not, so that server is not used:"
                        + " embeddings are computed in-process and answers are the best passages. A server that"
                        + " takes no key (Ollama, LM Studio, a local vLLM) takes any: set OPENAI_API_KEY=local");
    }
}

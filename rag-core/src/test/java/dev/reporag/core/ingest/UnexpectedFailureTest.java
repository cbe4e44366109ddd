package dev.reporag.core.ingest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reporag.core.RepoRag;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.memory.HashingEmbedderWith;
import dev.reporag.core.memory.InMemoryConversationRepository;
import dev.reporag.core.memory.InMemoryJobRepository;
import dev.reporag.core.memory.InMemoryRepositorySource;
import dev.reporag.core.memory.InMemoryVectorStore;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.EmbeddingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A job that fails from a bug or a broken installation says what broke; its stack goes to the log at WARN. */
class UnexpectedFailureTest {
    private final Logger log = (Logger) LoggerFactory.getLogger(JobProcessor.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void release() {
        log.detachAppender(logs);
    }

    @Test
    void aMissingClassBehindAnEmbeddingErrorIsNamedInTheJobsError() {
        // What mismatched Jackson versions did to OpenAI embeddings: the scheduler wrapped the error.
        IngestionJob job = ingestFailingWith(() -> new EmbeddingException("embedding failed unexpectedly"
                + " (NoClassDefFoundError)", false, null,
                new NoClassDefFoundError("com/fasterxml/jackson/annotation/JsonSerializeAs")));

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error()).isEqualTo("embedding failed unexpectedly (NoClassDefFoundError); root cause:"
                + " a class is missing or does not match (a broken installation):"
                + " com/fasterxml/jackson/annotation/JsonSerializeAs (the worker log has the stack trace)");
        assertThat(warningWithStack()).isPresent().get().extracting(e -> e.getThrowableProxy().getClassName())
                .isEqualTo(EmbeddingException.class.getName());
    }

    @Test
    void anErrorThrownStraightOutOfAnAdapterFailsTheJobNamingIt() {
        IngestionJob job = ingestFailingWith(() -> {
            throw new NoClassDefFoundError("com/example/Missing");
        });

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error()).contains("a class is missing or does not match (a broken installation): com/example/Missing")
                .contains("the worker log has the stack trace").doesNotContain("NoClassDefFoundError");
        assertThat(warningWithStack()).isPresent();
    }

    @Test
    void aBugIsNamedInWordsNeverByItsClass() {
        IngestionJob job = ingestFailingWith(() -> new NullPointerException("Cannot invoke \"String.length()\""));

        assertThat(job.error()).isEqualTo("embedding failed unexpectedly (an internal error (a bug)); see the log for"
                + " details").doesNotContain("NullPointerException", "String.length");
    }

    @Test
    void aFailureAUserCanActOnKeepsItsMessageAndNoStack() {
        IngestionJob job = ingestFailingWith(() -> EmbeddingException.permanent("the OpenAI API key was rejected"));

        assertThat(job.error()).isEqualTo("the OpenAI API key was rejected");
        assertThat(warningWithStack()).isEmpty();
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("the OpenAI API key was rejected"));
    }

    private java.util.Optional<ILoggingEvent> warningWithStack() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getThrowableProxy() != null).findFirst();
    }

    private static IngestionJob ingestFailingWith(Supplier<RuntimeException> failure) {
        InMemoryRepositorySource source = new InMemoryRepositorySource();
        source.commit("mem://broken", Map.of("src/A.java", "class A {\n  void a() {}\n}\n"));
        HashingEmbedder hashing = new HashingEmbedder();
        Embedder embedder = new HashingEmbedderWith(texts -> {
            throw failure.get();
        });
        try (RepoRag rag = RepoRag.builder().source(source).embedder(embedder)
                .vectorStore(new InMemoryVectorStore(hashing.dimension())).jobs(new InMemoryJobRepository())
                .conversations(new InMemoryConversationRepository()).build()) {
            Project project = rag.register("broken", "mem://broken", null);
            rag.requestIngestion(project.id());
            return rag.processNext("w").orElseThrow();
        }
    }
}

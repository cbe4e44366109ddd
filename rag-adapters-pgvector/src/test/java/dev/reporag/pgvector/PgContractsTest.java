package dev.reporag.pgvector;

import dev.reporag.core.contract.ConversationRepositoryContract;
import dev.reporag.core.contract.JobRepositoryContract;
import dev.reporag.core.contract.RateBudgetContract;
import dev.reporag.core.contract.VectorStoreContract;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RateBudget;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.time.Instant;

/** The rag-core port contracts, on real PostgreSQL with pgvector, in a schema of their own. */
class PgContractsTest {
    private static final TestSchema SCHEMA = new TestSchema("contracts");

    private static final java.util.List<PgDatabase> OPENED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void dropSchema() {
        OPENED.forEach(PgDatabase::close);
        SCHEMA.close();
    }

    private static PgDatabase database(int dimension) {
        return SCHEMA.open("contract-model", dimension);
    }

    @Nested
    class VectorStoreTest extends VectorStoreContract {
        @Override
        protected VectorStore createStore(int dimension) {
            PgDatabase db = database(dimension);
            SCHEMA.truncate("chunks", "embeddings", "project_models");
            return db.vectorStore();
        }

        @Override
        protected VectorStore storeForModel(dev.reporag.core.model.EmbeddingModel model) {
            // Another pool on the same schema, as another process configured with that model would hold.
            PgDatabase db = SCHEMA.builder().embeddingModel(model.id(), model.dimension()).poolSize(2).build();
            OPENED.add(db);
            return db.vectorStore();
        }
    }

    @Nested
    class JobRepositoryTest extends JobRepositoryContract {
        @Override
        protected JobRepository createRepository() {
            PgDatabase db = database(16);
            SCHEMA.truncate("projects", "worker_sightings", "job_outcomes");
            return db.jobs();
        }
    }

    @Nested
    class RateBudgetTest extends RateBudgetContract {
        @Override
        protected RateBudget budget() {
            database(16); // migrated
            // A pool of its own each time: handles as two processes would hold them.
            PgDatabase db = SCHEMA.builder().embeddingModel("contract-model", 16).migrateOnStart(false).build();
            OPENED.add(db);
            return db.rateBudget();
        }
    }

    @Nested
    class ConversationsTest extends ConversationRepositoryContract {
        @Override
        protected ConversationRepository createRepository(ProjectId project) {
            PgDatabase db = database(16);
            SCHEMA.truncate("projects");
            db.jobs().saveProject(new Project(project, "conversations-" + project, "https://example.com/r.git", null,
                    Instant.parse("2026-01-01T00:00:00Z")));
            return db.conversations();
        }
    }
}

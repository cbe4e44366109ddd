package dev.reporag.core.memory;

import dev.reporag.core.contract.AnswerModelContract;
import dev.reporag.core.contract.ConversationRepositoryContract;
import dev.reporag.core.contract.EmbedderContract;
import dev.reporag.core.contract.JobRepositoryContract;
import dev.reporag.core.contract.RateBudgetContract;
import dev.reporag.core.contract.RepositorySourceContract;
import dev.reporag.core.contract.VectorStoreContract;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.AnswerPrompt;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.RateBudget;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.VectorStore;
import org.junit.jupiter.api.Nested;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The in-memory adapters pass the same contracts as the real ones. */
class InMemoryContractsTest {
    @Nested
    class AnswerModelTest extends AnswerModelContract {
        private final List<ScriptedAnswerModel> models = new ArrayList<>();

        @Override
        protected AnswerModel answering(String reply) {
            ScriptedAnswerModel model = ScriptedAnswerModel.answering(reply);
            models.add(model);
            return model;
        }

        @Override
        protected List<List<String>> received() {
            return models.stream().flatMap(model -> model.prompts().stream()).map(AnswerModelTest::texts).toList();
        }

        private static List<String> texts(AnswerPrompt prompt) {
            List<String> texts = new ArrayList<>(List.of(prompt.system()));
            for (Turn turn : prompt.history()) {
                texts.add(turn.question());
                texts.add(turn.answer());
            }
            texts.add(prompt.user());
            return texts;
        }

        @Override
        protected AnswerModel failing() {
            return new ScriptedAnswerModel(prompt -> {
                throw new RagException("the scripted model is down");
            });
        }
    }

    @Nested
    class VectorStoreTest extends VectorStoreContract {
        private InMemoryVectorStore created;

        @Override
        protected VectorStore createStore(int dimension) {
            created = new InMemoryVectorStore(dimension);
            return created;
        }

        @Override
        protected VectorStore storeForModel(dev.reporag.core.model.EmbeddingModel model) {
            return created.forModel(model);
        }
    }

    @Nested
    class RateBudgetTest extends RateBudgetContract {
        private final InMemoryRateBudget budget = new InMemoryRateBudget();

        @Override
        protected RateBudget budget() {
            return budget; // one process: every handle is the same time lines
        }
    }

    @Nested
    class JobRepositoryTest extends JobRepositoryContract {
        @Override
        protected JobRepository createRepository() {
            return new InMemoryJobRepository();
        }
    }

    @Nested
    class RepositorySourceTest extends RepositorySourceContract {
        private final InMemoryRepositorySource source = new InMemoryRepositorySource();

        @Override
        protected RepositorySource source() {
            return source;
        }

        @Override
        protected String createRepository(Map<String, String> files) {
            String name = "mem://" + UUID.randomUUID();
            source.commit(name, files);
            return name;
        }

        @Override
        protected void commit(String name, String message, Map<String, String> files) {
            source.commit(name, message, files);
        }

        @Override
        protected String missingRepository() {
            return "mem://missing";
        }
    }

    @Nested
    class EmbedderTest extends EmbedderContract {
        private final HashingEmbedder embedder = new HashingEmbedder();

        @Override
        protected Embedder embedder() {
            return embedder;
        }
    }

    @Nested
    class ConversationsTest extends ConversationRepositoryContract {
        @Override
        protected ConversationRepository createRepository(ProjectId project) {
            return new InMemoryConversationRepository();
        }
    }
}

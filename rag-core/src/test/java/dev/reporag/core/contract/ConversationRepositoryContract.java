package dev.reporag.core.contract;

import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.ConversationRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link ConversationRepository} must do. */
public abstract class ConversationRepositoryContract {
    protected ConversationRepository conversations;

    /** A fresh repository; {@code project} must be usable as the owner of conversations. */
    protected abstract ConversationRepository createRepository(ProjectId project);

    private final ProjectId project = ProjectId.random();

    @BeforeEach
    void fresh() {
        conversations = createRepository(project);
    }

    @Test
    void keepsTurnsInOrderPerConversation() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String first = conversations.start(project, now);
        String second = conversations.start(project, now);
        conversations.append(first, new Turn("what is X?", "X is a class [1]"), now.plusSeconds(1));
        conversations.append(first, new Turn("and Y?", "Y extends X [2]"), now.plusSeconds(2));
        conversations.append(second, new Turn("other", "answer"), now.plusSeconds(3));

        assertThat(first).isNotEqualTo(second);
        assertThat(conversations.turns(first)).containsExactly(new Turn("what is X?", "X is a class [1]"),
                new Turn("and Y?", "Y extends X [2]"));
        assertThat(conversations.turns(second)).containsExactly(new Turn("other", "answer"));
        assertThat(conversations.projectOf(first)).contains(project);
    }

    @Test
    void unknownConversationsAreEmpty() {
        assertThat(conversations.projectOf("no-such-conversation")).isEmpty();
        assertThat(conversations.turns("no-such-conversation")).isEmpty();
    }

    @Test
    void deletingAProjectRemovesItsConversationsAndNoOther() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String conversation = conversations.start(project, now);
        conversations.append(conversation, new Turn("q", "a"), now);

        conversations.deleteProject(ProjectId.random());
        assertThat(conversations.turns(conversation)).as("another project's delete").hasSize(1);

        conversations.deleteProject(project);
        assertThat(conversations.projectOf(conversation)).isEmpty();
        assertThat(conversations.turns(conversation)).isEmpty();
        conversations.deleteProject(project);
    }
}

package dev.reporag.core.port;

import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Conversations about a project, so follow-up questions keep their history. */
public interface ConversationRepository {
    /** Starts a conversation and returns its id. */
    String start(ProjectId project, Instant now);

    /** The project a conversation belongs to, or empty when it is unknown. */
    Optional<ProjectId> projectOf(String conversationId);

    /** Turns, oldest first. */
    List<Turn> turns(String conversationId);

    void append(String conversationId, Turn turn, Instant now);

    /** Removes every conversation of a project; nothing happens when it has none. */
    void deleteProject(ProjectId project);
}

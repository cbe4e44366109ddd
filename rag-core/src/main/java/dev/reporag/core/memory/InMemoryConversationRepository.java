package dev.reporag.core.memory;

import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.StoreException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Conversations in memory. */
public final class InMemoryConversationRepository implements ConversationRepository {
    private record Conversation(ProjectId project, List<Turn> turns) {
    }

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();

    @Override
    public String start(ProjectId project, Instant now) {
        String id = UUID.randomUUID().toString();
        conversations.put(id, new Conversation(project, new ArrayList<>()));
        return id;
    }

    @Override
    public Optional<ProjectId> projectOf(String conversationId) {
        return Optional.ofNullable(conversations.get(conversationId)).map(Conversation::project);
    }

    @Override
    public List<Turn> turns(String conversationId) {
        Conversation conversation = conversations.get(conversationId);
        if (conversation == null) {
            return List.of();
        }
        synchronized (conversation) {
            return List.copyOf(conversation.turns());
        }
    }

    @Override
    public void append(String conversationId, Turn turn, Instant now) {
        Conversation conversation = conversations.get(conversationId);
        if (conversation == null) {
            throw new StoreException("unknown conversation " + conversationId);
        }
        synchronized (conversation) {
            conversation.turns().add(turn);
        }
    }

    @Override
    public void deleteProject(ProjectId project) {
        conversations.values().removeIf(conversation -> conversation.project().equals(project));
    }
}

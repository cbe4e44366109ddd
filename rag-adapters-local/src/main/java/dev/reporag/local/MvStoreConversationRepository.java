package dev.reporag.local;

import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.StoreException;
import dev.reporag.local.Codec.StoredConversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversations in the MVStore file. Turns are keyed {@code <conversation>/<sequence>}, so one
 * conversation's turns are a contiguous, ordered key range.
 */
final class MvStoreConversationRepository implements ConversationRepository {
    private final MvState state;

    MvStoreConversationRepository(MvState state) {
        this.state = state;
    }

    @Override
    public String start(ProjectId project, Instant now) {
        String id = UUID.randomUUID().toString();
        state.write(() -> state.conversations.put(id, Codec.conversation(new StoredConversation(project, now))));
        return id;
    }

    @Override
    public Optional<ProjectId> projectOf(String conversationId) {
        return state.read(() -> Optional.ofNullable(state.conversations.get(conversationId))
                .map(bytes -> Codec.conversation(bytes).project()));
    }

    @Override
    public List<Turn> turns(String conversationId) {
        return state.read(() -> {
            List<Turn> turns = new ArrayList<>();
            String prefix = conversationId + '/';
            Iterator<String> keys = state.turns.keyIterator(prefix);
            while (keys.hasNext()) {
                String key = keys.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                turns.add(Codec.turn(state.turns.get(key)));
            }
            return turns;
        });
    }

    @Override
    public void append(String conversationId, Turn turn, Instant now) {
        state.write(() -> {
            if (!state.conversations.containsKey(conversationId)) {
                throw new StoreException("unknown conversation " + conversationId);
            }
            String prefix = conversationId + '/';
            String last = state.turns.lowerKey(prefix + '\uffff');
            long next = last != null && last.startsWith(prefix) ? Long.parseLong(last.substring(prefix.length())) + 1 : 0;
            state.turns.put(prefix + String.format("%012d", next), Codec.turn(turn, now));
            return null;
        });
    }

    @Override
    public void deleteProject(ProjectId project) {
        state.write(() -> {
            deleteOf(state, project);
            return null;
        });
    }

    /** Removes a project's conversations; runs inside a write of the caller. */
    static void deleteOf(MvState state, ProjectId project) {
        List<String> doomed = new ArrayList<>();
        state.conversations.forEach((id, bytes) -> {
            if (Codec.conversation(bytes).project().equals(project)) {
                doomed.add(id);
            }
        });
        for (String id : doomed) {
            state.conversations.remove(id);
            String prefix = id + '/';
            List<String> keys = new ArrayList<>();
            Iterator<String> it = state.turns.keyIterator(prefix);
            while (it.hasNext()) {
                String key = it.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                keys.add(key);
            }
            keys.forEach(state.turns::remove);
        }
    }
}

package dev.reporag.pgvector;

import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.StoreException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Conversations and their turns; they belong to a project and go when it is deleted. */
final class JdbcConversationRepository implements ConversationRepository {
    private final DataSource dataSource;

    JdbcConversationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String start(ProjectId project, Instant now) {
        String id = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO conversations (id, project_id, created_at) VALUES (?, ?, ?)")) {
            statement.setString(1, id);
            statement.setString(2, project.value());
            ConnectionWork.setInstant(statement, 3, now);
            statement.executeUpdate();
            return id;
        } catch (SQLException e) {
            if (ConnectionWork.FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException("unknown project " + project);
            }
            throw ConnectionWork.failure("start a conversation", e);
        }
    }

    @Override
    public Optional<ProjectId> projectOf(String conversationId) {
        return ConnectionWork.withConnection(dataSource, "read a conversation", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT project_id FROM conversations WHERE id = ?")) {
                statement.setString(1, conversationId);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(new ProjectId(rows.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Turn> turns(String conversationId) {
        return ConnectionWork.withConnection(dataSource, "read a conversation", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT question, answer FROM conversation_turns WHERE conversation_id = ? ORDER BY seq")) {
                statement.setString(1, conversationId);
                List<Turn> turns = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        turns.add(new Turn(rows.getString(1), rows.getString(2)));
                    }
                }
                return turns;
            }
        });
    }

    @Override
    public void append(String conversationId, Turn turn, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO conversation_turns (conversation_id, question, answer, created_at) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, conversationId);
            statement.setString(2, turn.question());
            statement.setString(3, turn.answer());
            ConnectionWork.setInstant(statement, 4, now);
            statement.executeUpdate();
        } catch (SQLException e) {
            if (ConnectionWork.FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new StoreException("unknown conversation " + conversationId);
            }
            throw ConnectionWork.failure("save a conversation turn", e);
        }
    }

    @Override
    public void deleteProject(ProjectId project) {
        ConnectionWork.withConnection(dataSource, "delete a project's conversations", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM conversations WHERE project_id = ?")) {
                statement.setString(1, project.value());
                return statement.executeUpdate();
            }
        });
    }
}

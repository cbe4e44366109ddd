package dev.reporag.core.ask;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.AnswerCutException;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.port.RagException;
import dev.reporag.core.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Answers a question about a READY project: hybrid retrieval (vectors and keywords, fused by
 * rank; chunks holding a quoted phrase verbatim first), numbered sources, and the answer model —
 * or, with none configured, the best passages themselves. Conversations keep their history, and
 * follow-ups are retrieved with it.
 */
public final class AskService {
    /** Visitors of a site read this: the operator's hint (configure a chat model) is in the logs and docs. */
    private static final String NO_CHAT_MODEL = "Here are the passages of the code that best match the question:\n";
    /** Lines of each passage an answer without a chat model shows. */
    private static final int EXCERPT_LINES = 12;
    private static final Logger log = LoggerFactory.getLogger(AskService.class);

    private final JobRepository jobs;
    private final VectorStore store;
    private final Retriever retriever;
    private final AnswerModel answerModel;
    private final ConversationRepository conversations;
    private final RagSettings settings;
    private final Clock clock;

    /** @param answerModel null for extractive answers */
    public AskService(JobRepository jobs, VectorStore store, EmbeddingDispatcher embeddings, AnswerModel answerModel,
                      ConversationRepository conversations, RagSettings settings, Clock clock) {
        this.jobs = jobs;
        this.store = store;
        this.retriever = new Retriever(store, embeddings::embedQuestion);
        this.answerModel = answerModel;
        this.conversations = conversations;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param conversationId null to start a conversation
     * @param onToken        receives the answer as it is written; null when not streaming
     */
    public Answer ask(ProjectId projectId, String question, String conversationId, Consumer<String> onToken) {
        Project project = jobs.project(projectId)
                .orElseThrow(() -> new NotFoundException("no project with id " + projectId));
        String q = validate(question);
        if (answerModel != null) {
            answerModel.prepare(); // its client is built while the question is embedded and the sources found
        }
        IngestionJob ready = jobs.latestReadyJob(projectId).orElseThrow(() -> notReady(project));
        ProjectModels models = store.models(projectId);
        if (!models.answersWith(store.model())) {
            throw otherModel(project, models);
        }
        String conversation = conversationId == null ? conversations.start(projectId, clock.instant())
                : conversationOf(projectId, conversationId);
        List<Turn> history = conversations.turns(conversation);

        List<Chunk> sources = retriever.sources(projectId, retrievalQuery(q, history), settings.topK());
        List<Citation> citations = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Chunk source = sources.get(i);
            citations.add(new Citation(i + 1, source.path(), source.startLine(), source.endLine(), ready.commit(),
                    CitationLinks.link(project.source(), ready.commit(), source.path(), source.startLine(),
                            source.endLine()).orElse(null)));
        }
        String text;
        boolean extractive = answerModel == null;
        if (sources.isEmpty()) {
            int skipped = ready.progress().filesSkipped();
            text = store.count(projectId) > 0
                    ? "The index of '" + project.name() + "' has nothing that matches this question."
                    : "The index of '" + project.name() + "' is empty: no file of its commit was indexed"
                    + (skipped == 1 ? " (its one file was skipped; the project's skipped files say why)"
                    : skipped > 1 ? " (its " + skipped + " files were all skipped; the project's skipped files say why)"
                    : "") + ".";
            emit(onToken, text);
        } else if (extractive) {
            text = extractive(NO_CHAT_MODEL, sources, q);
            emit(onToken, text);
        } else {
            var prompt = PromptBuilder.build(project.name(), q, sources, history);
            try {
                text = onToken == null ? answerModel.answer(prompt) : answerModel.stream(prompt, onToken);
                if (text == null || text.isBlank()) {
                    // A reasoning model that only thought, or a server that sent nothing: nothing reached the reader.
                    throw new RagException("it gave an empty answer");
                }
            } catch (AnswerCutException e) {
                // What was written already reached the reader: keep it and say it stops short.
                String note = "\n\n[The answer was cut off: " + e.getMessage() + ".]";
                emit(onToken, note);
                text = e.written() + note;
            } catch (RagException e) {
                log.warn("the chat model failed ({}); answering with the passages", e.getMessage());
                text = extractive("The chat model could not answer (" + e.getMessage() + "), so here are the most"
                        + " relevant passages:\n", sources, q);
                emit(onToken, text);
                extractive = true;
            }
        }
        conversations.append(conversation, new Turn(q, text), clock.instant());
        return new Answer(text, citations, extractive, conversation);
    }

    /** Says why a project without an index cannot answer, and what to do about it. */
    private ConflictException notReady(Project project) {
        Optional<IngestionJob> latest = jobs.latestJob(project.id());
        String why = latest.map(job -> switch (job.status()) {
            case FAILED -> "its ingestion FAILED; retry it (after fixing the cause shown in its error)";
            case PROCESSING -> "it is being indexed (" + job.progress().percent() + "%)";
            default -> "its ingestion is queued (PENDING)";
        }).orElse("no ingestion has been requested yet; start one");
        return new ConflictException("project '" + project.name() + "' is not ready yet: " + why
                + ", and ask again once it is READY");
    }

    /**
     * A project indexed with another model than this process embeds questions with: its vectors
     * cannot be compared with the question's, so it says what is being done, or what to do.
     */
    private ConflictException otherModel(Project project, ProjectModels models) {
        Optional<IngestionJob> latest = jobs.latestJob(project.id());
        boolean running = latest.map(j -> j.status().isActive()).orElse(false);
        String state = store.model().equals(models.target()) && running
                ? "re-embedding for model " + store.model() + " is in progress (" + latest.get().progress().percent()
                + " %); ask again once it is done, or ask a service still configured with " + models.active()
                : "run `rag reembed --project-id " + project.id() + "` (or POST /api/projects/" + project.id()
                + "/reembed) with " + store.model() + " configured to switch it, or configure " + models.active()
                + " again";
        return new ConflictException("project '" + project.name() + "' is indexed with embedding model "
                + models.active() + ", not " + store.model() + " which this service embeds questions with: " + state);
    }

    private static void emit(Consumer<String> onToken, String text) {
        if (onToken != null) {
            onToken.accept(text);
        }
    }

    private String validate(String question) {
        if (question == null || question.isBlank()) {
            throw new InvalidInputException("the question is empty");
        }
        String q = question.strip();
        if (q.length() > settings.maxQuestionChars()) {
            throw new InvalidInputException("the question is " + q.length() + " characters long; the limit is "
                    + settings.maxQuestionChars());
        }
        String problem = dev.reporag.core.policy.TextRules.controlProblem(q, true);
        if (problem != null) {
            throw new InvalidInputException("the question " + problem);
        }
        return q;
    }

    private String conversationOf(ProjectId projectId, String conversationId) {
        if (conversationId.length() > 100 || dev.reporag.core.policy.TextRules.controlProblem(conversationId, false) != null) {
            throw new InvalidInputException("'conversationId' is not a conversation id");
        }
        Optional<ProjectId> owner = conversations.projectOf(conversationId);
        if (owner.isEmpty() || !owner.get().equals(projectId)) {
            throw new NotFoundException("no conversation " + conversationId + " for this project");
        }
        return conversationId;
    }

    /** A follow-up ("and where is it tested?") is retrieved together with the question before it. */
    static String retrievalQuery(String question, List<Turn> history) {
        if (history.isEmpty()) {
            return question;
        }
        return question + "\n" + history.get(history.size() - 1).question();
    }

    /** A citation on one line, whatever its file's name holds: a line break in a path shows as \x0a. */
    static String oneLine(String citation) {
        StringBuilder out = new StringBuilder(citation.length());
        for (int i = 0; i < citation.length(); i++) {
            char c = citation.charAt(i);
            boolean lineBreak = c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029'
                    || c == '\u000b' || c == '\u000c';
            out.append(lineBreak ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    /** Each passage's lines that match the question best ({@link Excerpt}), twelve at most. */
    private static String extractive(String lead, List<Chunk> sources, String question) {
        StringBuilder text = new StringBuilder(lead);
        for (int i = 0; i < sources.size(); i++) {
            Chunk source = sources.get(i);
            text.append("\n[").append(i + 1).append("] ").append(oneLine(source.citation())).append('\n');
            List<String> lines = List.of(source.text().split("\n", -1));
            Excerpt shown = Excerpt.of(lines, question, EXCERPT_LINES);
            if (shown.from() > 0) {
                text.append("    ...\n");
            }
            for (int l = shown.from(); l < shown.to(); l++) {
                text.append("    ").append(lines.get(l)).append('\n');
            }
            if (lines.size() > shown.to() && !(lines.size() == shown.to() + 1 && lines.get(shown.to()).isEmpty())) {
                text.append("    ...\n");
            }
        }
        return text.toString();
    }
}

package dev.reporag.core.ask;

import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Chunk;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.model.Turn;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RankFusion;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Answers a question about a READY project: hybrid retrieval (vectors and keywords, fused by
 * rank; chunks holding a quoted phrase verbatim first), numbered sources, and the answer model —
 * or, with none configured, the best passages themselves. Conversations keep their history, and
 * follow-ups are retrieved with it.
 */
public final class AskService {
    /** Keyword candidates searched for chunks holding a quoted phrase: per source wanted, and at most. */
    private static final int VERBATIM_CANDIDATES = 12;
    private static final int MAX_VERBATIM_CANDIDATES = 200;
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");
    private static final Logger log = LoggerFactory.getLogger(AskService.class);
    /** Visitors of a site read this: the operator's hint (configure a chat model) is in the logs and docs. */
    private static final String NO_CHAT_MODEL = "Here are the passages of the code that best match the question:\n";
    /** Test code by the common layouts: a test directory, or a test file's name. */
    private static final Pattern TEST_PATH = Pattern.compile("(?:^|/)(?:test|tests|__tests__|spec|specs)/"
            + "|(?:Test|Tests|IT|Spec)\\.\\w+$|(?:^|/)test_[^/]*$|_test\\.\\w+$|\\.(?:test|spec)\\.\\w+$");

    private final JobRepository jobs;
    private final VectorStore store;
    private final EmbeddingDispatcher embeddings;
    private final AnswerModel answerModel;
    private final ConversationRepository conversations;
    private final RagSettings settings;
    private final Clock clock;

    /** @param answerModel null for extractive answers */
    public AskService(JobRepository jobs, VectorStore store, EmbeddingDispatcher embeddings, AnswerModel answerModel,
                      ConversationRepository conversations, RagSettings settings, Clock clock) {
        this.jobs = jobs;
        this.store = store;
        this.embeddings = embeddings;
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
        IngestionJob ready = jobs.latestReadyJob(projectId).orElseThrow(() -> notReady(project));
        String conversation = conversationId == null ? conversations.start(projectId, clock.instant())
                : conversationOf(projectId, conversationId);
        List<Turn> history = conversations.turns(conversation);

        List<Chunk> sources = retrieve(projectId, retrievalQuery(q, history));
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
            text = "The index of '" + project.name() + "' has nothing that matches this question.";
            emit(onToken, text);
        } else if (extractive) {
            text = extractive(NO_CHAT_MODEL, sources);
            emit(onToken, text);
        } else {
            var prompt = PromptBuilder.build(project.name(), q, sources, history);
            try {
                text = onToken == null ? answerModel.answer(prompt) : answerModel.stream(prompt, onToken);
            } catch (AnswerCutException e) {
                // What was written already reached the reader: keep it and say it stops short.
                String note = "\n\n[The answer was cut off: " + e.getMessage() + ".]";
                emit(onToken, note);
                text = e.written() + note;
            } catch (RagException e) {
                log.warn("the chat model failed ({}); answering with the passages", e.getMessage());
                text = extractive("The chat model could not answer (" + e.getMessage() + "), so here are the most"
                        + " relevant passages:\n", sources);
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
        return q;
    }

    private String conversationOf(ProjectId projectId, String conversationId) {
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

    List<Chunk> retrieve(ProjectId projectId, String query) {
        int k = settings.topK();
        int wide = k * 3;
        float[] vector = embeddings.embedQuestion(query);
        List<ScoredChunk> byVector = store.vectorSearch(projectId, vector, wide);
        List<ScoredChunk> byKeyword = store.keywordSearch(projectId, query, wide);
        List<String> identifiers = QueryTerms.identifiers(query);
        List<ScoredChunk> fused = identifiers.isEmpty()
                ? RankFusion.fuse(List.of(byVector, byKeyword), wide)
                // Code-like words alone, as a third ranking: the chunks that hold them rise above
                // those that merely share the question's ordinary words.
                : RankFusion.fuse(List.of(byVector, byKeyword,
                        store.keywordSearch(projectId, String.join(" ", identifiers), wide)), wide);
        List<String> phrases = QueryTerms.phrases(query);
        return Sources.merge(phrases.isEmpty() ? fused : verbatimFirst(projectId, phrases, fused, k), k);
    }

    /**
     * Chunks that hold a quoted phrase go first, taking up to half the sources: a pasted error
     * message finds the line that throws it, which ranks below the many chunks that merely share its
     * words. In that first half, code that spells the message out comes first; then chunks that hold
     * its constant parts in order but not the message whole, as when values were filled in ('shop',
     * 403, a path): they build it; then docs and tests that hold it whole, which copy the output.
     * Candidates come from a keyword search, wide, as such a line can be one word among many. Case
     * and runs of white space are ignored.
     */
    private List<ScoredChunk> verbatimFirst(ProjectId projectId, List<String> phrases, List<ScoredChunk> fused, int k) {
        List<String> wanted = phrases.stream().map(AskService::normalized).toList();
        List<List<String>> constantParts = phrases.stream()
                .map(phrase -> QueryTerms.fragments(phrase).stream().map(AskService::normalized).toList())
                .toList();
        List<ScoredChunk> spelledOut = new ArrayList<>();
        List<ScoredChunk> assembled = new ArrayList<>();
        List<ScoredChunk> copied = new ArrayList<>();
        for (ScoredChunk hit : store.keywordSearch(projectId, String.join(" ", phrases),
                Math.min(k * VERBATIM_CANDIDATES, MAX_VERBATIM_CANDIDATES))) {
            String text = normalized(hit.chunk().text());
            if (wanted.stream().anyMatch(text::contains)) {
                (copiesOutput(hit.chunk()) ? copied : spelledOut).add(hit);
            } else if (constantParts.stream().anyMatch(parts -> containsInOrder(text, parts))) {
                assembled.add(hit);
            }
        }
        List<ScoredChunk> first = Stream.of(spelledOut, assembled, copied).flatMap(List::stream)
                .limit(Math.max(1, k / 2))
                .toList();
        if (first.isEmpty()) {
            return fused;
        }
        List<ScoredChunk> ranked = new ArrayList<>(first);
        Set<String> ids = new HashSet<>();
        first.forEach(hit -> ids.add(hit.chunk().id()));
        fused.stream().filter(hit -> !ids.contains(hit.chunk().id())).forEach(ranked::add);
        return ranked;
    }

    /** Docs, plain text and tests: where a program's output is quoted rather than produced. */
    static boolean copiesOutput(Chunk chunk) {
        return chunk.language().equals("markdown") || chunk.language().equals("text")
                || TEST_PATH.matcher(chunk.path()).find();
    }

    private static boolean containsInOrder(String text, List<String> parts) {
        if (parts.isEmpty()) {
            return false;
        }
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            if (at < 0) {
                return false;
            }
            from = at + part.length();
        }
        return true;
    }

    private static String normalized(String text) {
        return WHITE_SPACE.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
    }

    private static String extractive(String lead, List<Chunk> sources) {
        StringBuilder text = new StringBuilder(lead);
        for (int i = 0; i < sources.size(); i++) {
            Chunk source = sources.get(i);
            text.append("\n[").append(i + 1).append("] ").append(source.citation()).append('\n');
            String[] lines = source.text().split("\n", -1);
            int shown = Math.min(lines.length, 12);
            for (int l = 0; l < shown; l++) {
                text.append("    ").append(lines[l]).append('\n');
            }
            if (lines.length > shown && !(lines.length == shown + 1 && lines[shown].isEmpty())) {
                text.append("    ...\n");
            }
        }
        return text.toString();
    }
}

package dev.reporag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.http.JsonShapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The --json shapes (documented in docs/cli.md); a project's and its skipped files' are the HTTP API's own. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A project as the HTTP API shows it ({@code GET /api/projects/{id}}): the same fields, the same names. */
    static JsonShapes.ProjectView project(ProjectStatus status) {
        return JsonShapes.project(status);
    }

    /** {@code rag eval --json}: the shape, plus the commit and the notes. */
    static Map<String, Object> evaluation(dev.reporag.core.eval.EvalReport report, boolean withResults) {
        Map<String, Object> json = score(report.overall());
        Map<String, Object> byKind = new LinkedHashMap<>();
        report.byKind().forEach((kind, score) -> byKind.put(kind, score(score)));
        json.put("byKind", byKind);
        json.put("commit", report.commit());
        json.put("notes", report.notes());
        if (withResults) {
            List<Map<String, Object>> results = new ArrayList<>();
            for (dev.reporag.core.eval.EvalReport.Result r : report.results()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("kind", r.question().kind());
                result.put("question", r.question().text());
                result.put("origin", r.question().origin());
                result.put("expected", new TreeSet<>(r.question().expected()));
                result.put("rank", r.rank());
                result.put("top", r.top());
                results.add(result);
            }
            json.put("results", results);
        }
        return json;
    }

    private static Map<String, Object> score(dev.reporag.core.eval.EvalReport.Score score) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("questions", score.questions());
        json.put("recall1", score.recall1());
        json.put("recall5", score.recall5());
        json.put("mrr", score.mrr());
        return json;
    }

    static Map<String, Object> answer(Answer answer) {
        List<Map<String, Object>> citations = new ArrayList<>();
        for (Citation c : answer.citations()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("number", c.number());
            json.put("path", c.path());
            json.put("startLine", c.startLine());
            json.put("endLine", c.endLine());
            json.put("commit", c.commit());
            json.put("url", c.url());
            citations.add(json);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("answer", answer.text());
        json.put("citations", citations);
        json.put("extractive", answer.extractive());
        json.put("conversationId", answer.conversationId());
        return json;
    }
}

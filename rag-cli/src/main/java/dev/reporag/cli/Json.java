package dev.reporag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.Citation;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.http.Views;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    static Views.ProjectView project(ProjectStatus status) {
        return Views.project(status);
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

package dev.reporag.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One line of a labelled set: kind (behaviour, identifier, path), the file that answers, the question. */
record LabelledQuestion(String kind, String expectedPath, String question) {
    static List<LabelledQuestion> load(String resource) throws IOException {
        InputStream in = LabelledQuestion.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource);
        }
        List<LabelledQuestion> questions = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length != 3) {
                    throw new IllegalStateException("expected kind<TAB>path<TAB>question: " + line);
                }
                questions.add(new LabelledQuestion(fields[0], fields[1], fields[2]));
            }
        }
        return questions;
    }
}

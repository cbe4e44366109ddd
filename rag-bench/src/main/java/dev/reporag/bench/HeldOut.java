package dev.reporag.bench;

import dev.reporag.core.eval.EvalQuestion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The hand-written held-out questions of a repository ({@code /heldout/<owner>+<name>.tsv}: kind,
 * question, expected paths separated by commas), asked of its pinned commit. Their kinds are
 * reported as {@code held-out <kind>}.
 */
final class HeldOut {
    static final String PREFIX = "held-out ";

    private HeldOut() {
    }

    static List<EvalQuestion> load(BenchRepository repository) throws IOException {
        List<EvalQuestion> questions = new ArrayList<>();
        try (InputStream in = HeldOut.class.getResourceAsStream("/heldout/" + repository.key() + ".tsv")) {
            if (in == null) {
                return questions;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IllegalStateException(repository.key() + ".tsv line " + number + ": want 3 columns");
                }
                Set<String> expected = Set.copyOf(Arrays.stream(f[2].split(",")).map(String::strip).toList());
                questions.add(new EvalQuestion(f[1].strip(), PREFIX + f[0].strip(), expected, repository.commit(),
                        null, repository.key() + ".tsv:" + number));
            }
        }
        return questions;
    }
}

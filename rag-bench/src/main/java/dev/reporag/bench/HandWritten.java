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
 * Hand-written questions of a repository ({@code /<set>/<owner>+<name>.tsv}: kind, question, expected
 * paths separated by commas), asked of its pinned commit, in two sets:
 * <ul>
 *   <li>{@link #DEV} ({@code /handwritten/}, kinds reported as {@code dev hand-written <kind>}): written
 *   by someone who had run retrievers on these repositories; usable for tuning;</li>
 *   <li>{@link #HELD_OUT} ({@code /heldout/}, {@code held-out <kind>}): written blind, by someone who
 *   never ran a retriever nor read a result; scored once per release, with the final code.</li>
 * </ul>
 */
enum HandWritten {
    DEV("handwritten", "dev hand-written ", "dev"),
    HELD_OUT("heldout", "held-out ", "held-out");

    private final String directory;
    /** What the set's kinds start with. */
    final String prefix;
    /** The name of the set's total in tables. */
    final String total;

    HandWritten(String directory, String prefix, String total) {
        this.directory = directory;
        this.prefix = prefix;
        this.total = total;
    }

    /** The set a kind belongs to, if any (history and doc questions belong to none). */
    static java.util.Optional<HandWritten> of(String kind) {
        return java.util.Arrays.stream(values()).filter(set -> kind.startsWith(set.prefix)).findFirst();
    }

    /**
     * @param head the commit that stands for the pinned one in the copy the benchmark reads (same
     *             tree, another id: {@link MirrorCopy})
     */
    List<EvalQuestion> load(BenchRepository repository, String head) throws IOException {
        List<EvalQuestion> questions = new ArrayList<>();
        try (InputStream in = HandWritten.class.getResourceAsStream("/" + directory + "/" + repository.key() + ".tsv")) {
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
                questions.add(new EvalQuestion(f[1].strip(), prefix + f[0].strip(), expected, head,
                        null, directory + "/" + repository.key() + ".tsv:" + number));
            }
        }
        return questions;
    }
}

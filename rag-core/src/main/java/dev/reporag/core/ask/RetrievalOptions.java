package dev.reporag.core.ask;

/**
 * Techniques of retrieval that were measured one at a time on the multi-repository benchmark
 * (docs/benchmarks/retrieval.md); {@link #DEFAULT} holds the ones kept.
 *
 * @param depth              candidates per ranking, as a multiple of the sources wanted
 * @param demoteTests        test code counts for less unless the question is about tests
 * @param collapseDuplicates a chunk nearly the same as a better one of another file (dialect copies of
 *                           a migration, generated twins) goes to the end
 * @param literalsFirst      chunks holding a code-like word of the question exactly
 *                           ({@code jobs.by-state}, {@code parseConfigFile}) go first, like quoted phrases
 * @param fileScores         files are ranked by their chunks together (best chunk, plus less for the next)
 */
public record RetrievalOptions(int depth, boolean demoteTests, boolean collapseDuplicates, boolean literalsFirst,
                               boolean fileScores) {
    public static final RetrievalOptions DEFAULT = new RetrievalOptions(3, false, false, false, false);

    public RetrievalOptions {
        if (depth < 1 || depth > 20) {
            throw new IllegalArgumentException("depth must be within 1..20");
        }
    }

    /** Parses {@code depth=5,tests,duplicates,literals,files} (unnamed techniques off), for benchmarks. */
    public static RetrievalOptions parse(String spec) {
        int depth = DEFAULT.depth();
        boolean tests = false;
        boolean duplicates = false;
        boolean literals = false;
        boolean files = false;
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.startsWith("depth=")) {
                depth = Integer.parseInt(p.substring(6));
            } else if (p.equals("tests")) {
                tests = true;
            } else if (p.equals("duplicates")) {
                duplicates = true;
            } else if (p.equals("literals")) {
                literals = true;
            } else if (p.equals("files")) {
                files = true;
            } else if (!p.isEmpty() && !p.equals("none")) {
                throw new IllegalArgumentException("unknown retrieval technique: " + p);
            }
        }
        return new RetrievalOptions(depth, tests, duplicates, literals, files);
    }
}

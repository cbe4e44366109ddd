package dev.reporag.core.ask;

/**
 * The retrieval techniques measured on the multi-repository benchmark (docs/benchmarks/retrieval.md)
 * and kept; {@link #DEFAULT} is what answers and {@code rag eval} use, {@link #BASELINE} what they
 * used before, for measuring against it.
 *
 * @param depth       candidates per ranking, as a multiple of the sources wanted
 * @param demoteTests test code counts for half unless the question is about tests
 */
public record RetrievalOptions(int depth, boolean demoteTests) {
    public static final RetrievalOptions DEFAULT = new RetrievalOptions(5, true);
    public static final RetrievalOptions BASELINE = new RetrievalOptions(3, false);

    public RetrievalOptions {
        if (depth < 1 || depth > 20) {
            throw new IllegalArgumentException("depth must be within 1..20");
        }
    }

    /** Parses {@code depth=5,tests} (a technique not named is off; {@code none} is all off at depth 3), for benchmarks. */
    public static RetrievalOptions parse(String spec) {
        int depth = BASELINE.depth();
        boolean tests = false;
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.startsWith("depth=")) {
                depth = Integer.parseInt(p.substring(6));
            } else if (p.equals("tests")) {
                tests = true;
            } else if (!p.isEmpty() && !p.equals("none")) {
                throw new IllegalArgumentException("unknown retrieval technique: " + p);
            }
        }
        return new RetrievalOptions(depth, tests);
    }
}
